/**
 * Pools the in-brain pixels of many images into one list of scores and labels, so pixel-level
 * metrics are global (one ranking over all pixels), not means of per-image values.
 */
export function pixelScores(
  maps: Float32Array[],
  truthMasks: Uint8Array[],
  brainMasks: Uint8Array[],
): { scores: Float32Array; labels: Uint8Array } {
  if (maps.length !== truthMasks.length || maps.length !== brainMasks.length) {
    throw new RangeError(
      `${maps.length} maps, ${truthMasks.length} truth masks and ${brainMasks.length} brain masks; expected one of each per image`,
    );
  }
  let count = 0;
  maps.forEach((map, image) => {
    if (truthMasks[image].length !== map.length || brainMasks[image].length !== map.length) {
      throw new RangeError(
        `image ${image}: map has ${map.length} pixels, truth mask ${truthMasks[image].length}, brain mask ${brainMasks[image].length}`,
      );
    }
    for (let i = 0; i < map.length; i++) if (brainMasks[image][i]) count++;
  });
  const scores = new Float32Array(count);
  const labels = new Uint8Array(count);
  let next = 0;
  maps.forEach((map, image) => {
    const truth = truthMasks[image];
    const brain = brainMasks[image];
    for (let i = 0; i < map.length; i++) {
      if (!brain[i]) continue;
      scores[next] = map[i];
      labels[next++] = truth[i] ? 1 : 0;
    }
  });
  return { scores, labels };
}
