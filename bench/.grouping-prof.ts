import { generate } from '/work/main/bench/grouping.ts';
import { suggestSimilarGroups } from '/work/main/src/modules/consultation/similarity.ts';
const n = Number(process.argv[2] ?? 10000);
const { opinions } = generate(n);
const t0 = performance.now();
const g = suggestSimilarGroups(opinions);
console.log(n, (performance.now()-t0).toFixed(0), 'ms', g.length, 'groups', Math.max(...g.map(x=>x.ids.length)), 'largest');
