/**
 * Finding names of the fastMRI+ brain annotations (Zhao et al., 2022), in the lower-case
 * snake_case spelling the brain-mid manifest uses. Seeded into the `findings` table; names met
 * during import that are not listed here are added with source 'imported'.
 */
export const fastMriPlusFindings: readonly string[] = [
  'absent_septum_pellucidum',
  'artefact',
  'craniectomy',
  'craniotomy',
  'dural_thickening',
  'edema',
  'encephalomalacia',
  'enlarged_ventricles',
  'extra-axial_collection',
  'extra-axial_mass',
  'global_ischemia',
  'intraventricular_substance',
  'lacunar_infarct',
  'likely_cysts',
  'mass',
  'motion_artefact',
  'nonspecific_lesion',
  'nonspecific_white_matter_lesion',
  'normal_variant',
  'paranasal_sinus_opacification',
  'pineal_cyst',
  'possible_artifact',
  'posttreatment_change',
  'resection_cavity',
  'small_vessel_chronic_white_matter_ischemic_change',
  'white_matter_disease',
];

/** Normalises a finding name as written in files ("Extra-axial Mass") to the vocabulary's form. */
export function normaliseFindingName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}
