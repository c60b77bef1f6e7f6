// Makes the data sets in data/ deterministically. Run: node scripts/make-data.mjs
// The output is committed; re-running it reproduces the files byte for byte.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const seedrandom = require('seedrandom');

/** Standard normal draws by Box-Muller from a seeded uniform generator. */
function normal(rng) {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Two concentric circles, as scikit-learn's make_circles: n/2 points at radius 1
 * (label 0) and n/2 at radius `factor` (label 1), evenly spaced in angle, plus
 * Gaussian noise of std `noise` on each coordinate, then shuffled.
 */
function circles(n, noise, factor, seed) {
  const rng = seedrandom.alea(seed);
  const half = n / 2;
  const points = [];
  for (let i = 0; i < n; i++) {
    const outer = i < half;
    const k = outer ? i : i - half;
    const angle = (2 * Math.PI * k) / half;
    const r = outer ? 1 : factor;
    points.push({
      x: [r * Math.cos(angle) + noise * normal(rng), r * Math.sin(angle) + noise * normal(rng)],
      y: outer ? 0 : 1,
    });
  }
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  const round = (v) => Math.round(v * 1e6) / 1e6;
  return { x: points.map((p) => p.x.map(round)), y: points.map((p) => p.y) };
}

const circlesData = {
  name: 'circles',
  description:
    'Two noisy concentric circles (outer radius 1, label 0; inner radius 0.8, label 1; noise std 0.05), ' +
    'made by scripts/make-data.mjs with seeds "circles-train" and "circles-test".',
  train: circles(300, 0.05, 0.8, 'circles-train'),
  test: circles(100, 0.05, 0.8, 'circles-test'),
};
writeFileSync(new URL('../data/circles.json', import.meta.url), JSON.stringify(circlesData) + '\n');
console.log('wrote data/circles.json');
