/**
 * No import cycle in src-main or the renderer, counting every edge: static, type-only and
 * dynamic imports and re-exports. (Lint's import-x/no-cycle skips type-only imports, which is
 * how pipeline.ts > remoteGuidance.ts > guidanceWorker.ts > pipeline.ts once went unnoticed.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** file -> the files it imports, for every .ts, .cts and .svelte file under `folders`. */
function importGraph(folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(c?ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        graph.set(path, importsOf(path));
    }
  };
  for (const folder of folders) visit(join(root, folder));
  return graph;
}

function importsOf(path: string): string[] {
  let text = readFileSync(path, 'utf8');
  if (path.endsWith('.svelte'))
    text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(path), name));
}

/** The strongly connected components of more than one file (or a file importing itself). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle closed by a type-only import, and none in a chain', () => {
    const file = (name: string) => join(root, 'src-main', name);
    const graph = importGraph([]);
    graph.set(file('a.ts'), [file('b.ts')]);
    graph.set(file('b.ts'), [file('c.ts')]);
    graph.set(file('c.ts'), []);
    expect(cyclesOf(graph)).toEqual([]);
    const text = "import type { A } from './a.ts';\nexport type C = A;\n";
    const typeOnly = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    expect(typeOnly).toEqual(['./a.ts']);
    graph.set(file('c.ts'), [file('a.ts')]);
    expect(cyclesOf(graph)).toEqual([[file('a.ts'), file('b.ts'), file('c.ts')]]);
  });

  it('has none in src-main or src-renderer', () => {
    const graph = importGraph(['src-main', 'src-renderer']);
    expect(graph.size).toBeGreaterThan(250);
    const cycles = cyclesOf(graph).map((c) => c.map((f) => relative(root, f)));
    expect(cycles).toEqual([]);
  });
});
