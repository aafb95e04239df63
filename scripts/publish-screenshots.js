#!/usr/bin/env node
// Copies the screenshots of the last passing browser flows (.test-results/screenshots/flow-*.jpg)
// to media/screenshots/, where the README shows them. Run after `npm test`.
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const from = path.join(root, '.test-results/screenshots');
const to = path.join(root, 'media/screenshots');
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
const shots = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => /^flow-.*\.jpg$/.test(f) && !f.includes('failure')) : [];
if (shots.length === 0) { console.error('no flow screenshots: run npm test first'); process.exit(1); }
for (const f of shots) fs.copyFileSync(path.join(from, f), path.join(to, f.replace(/^flow-/, '')));
console.log(`copied ${shots.length} screenshots to media/screenshots/`);
