import { generate } from './grouping.ts';
import { suggestSimilarGroups } from '../src/modules/consultation/similarity.ts';
for (const n of [1000,10000,100000]) { const { opinions } = generate(n); const t0=performance.now(); const g=suggestSimilarGroups(opinions); console.error('total',(performance.now()-t0).toFixed(0)); }
