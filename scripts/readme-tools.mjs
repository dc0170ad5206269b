// readme-tools.mjs - the README's tool table, made from the catalogue through
// `zoom-webinar-mcp tools` (the same source the server lists).
//   node scripts/readme-tools.mjs          rewrites the table in README.md
//   node scripts/readme-tools.mjs --check  exits 1 when README.md's table differs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BEGIN = '<!-- tools:begin (made by scripts/readme-tools.mjs from src/tools/catalog) -->';
const END = '<!-- tools:end -->';

// The first sentence of a description, without the appended Zoom API line.
function firstSentence(text) {
  const body = text.split('\n\nZoom API:')[0].replace(/\s+/g, ' ').trim();
  const m = body.match(/^(.+?[.!?])(\s|$)/);
  return (m ? m[1] : body).replace(/\|/g, '\\|');
}

// The markdown table for the tools the server lists, one line each.
export function toolTable(server) {
  const out = spawnSync(server, ['tools', '--sandbox'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (out.status !== 0) throw new Error(`${server} tools failed: ${out.stderr}`);
  const { tools } = JSON.parse(out.stdout);
  const lines = ['| tool | read-only | what it does |', '| --- | --- | --- |'];
  for (const t of tools) {
    const a = t.annotations ?? {};
    const kind = a.readOnlyHint ? 'yes' : a.destructiveHint ? 'no, destructive' : 'no';
    lines.push(`| \`${t.name}\` | ${kind} | ${firstSentence(t.description ?? '')} |`);
  }
  return lines.join('\n');
}

// README.md's text with the table replaced.
export function readmeWithTable(readme, table) {
  const b = readme.indexOf(BEGIN);
  const e = readme.indexOf(END);
  if (b < 0 || e < b) throw new Error('README.md has no tools:begin/tools:end markers');
  return `${readme.slice(0, b + BEGIN.length)}\n${table}\n${readme.slice(e)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const build = process.env.ZWM_BUILD_DIR ?? 'build';
  const readmePath = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const next = readmeWithTable(readme, toolTable(path.resolve(ROOT, build, 'zoom-webinar-mcp')));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md tool table differs from the catalogue: run `make readme-tools`');
      process.exit(1);
    }
  } else if (next !== readme) {
    fs.writeFileSync(readmePath, next);
    console.error('README.md tool table updated');
  }
}
