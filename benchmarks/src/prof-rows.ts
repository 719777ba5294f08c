import { readFileSync } from 'node:fs';
import { NAME_CLASS, NAME_NEXT, ROOT, knownAt, otherName } from '../../packages/sip/src/message/name-table.js';
const s = readFileSync('/tmp/prof/invite.txt', 'latin1');
const head = s.slice(0, s.indexOf('\r\n\r\n') + 4).split('').join('');
const from = head.indexOf('\n') + 1;
function bench(name: string, f: () => unknown) { let x; for (let i = 0; i < 300000; i++) x = f(); const t = process.hrtime.bigint(); for (let i = 0; i < 2000000; i++) x = f(); console.log(name, (Number(process.hrtime.bigint() - t) / 2e6).toFixed(1), 'ns'); return x; }
function rows(mode: number) {
  const out: unknown[] = [];
  let pos = from; const length = head.length;
  while (pos < length) {
    let nameEnd = pos; let state = ROOT; let c = head.charCodeAt(nameEnd); let cls: number;
    if (mode >= 1) { while (c < 128 && (cls = NAME_CLASS[c]!) !== 0) { state = NAME_NEXT[(state << 6) | cls]!; c = head.charCodeAt(++nameEnd); } }
    else { nameEnd = head.indexOf(':', pos); if (nameEnd < 0) return out; c = 58; }
    if (nameEnd === pos) return out;
    let eol = head.indexOf('\n', nameEnd);
    const stop = eol - 1;
    let start = nameEnd + 1;
    while (start < stop && ((c = head.charCodeAt(start)) === 32 || c === 9)) start++;
    if (mode >= 2) { const known = knownAt(state) ?? otherName(head, pos, nameEnd); out.push({ name: known.name, key: known.key, codec: known.codec, value: undefined, start, end: stop, parsed: undefined }); }
    pos = eol + 1;
  }
  return out;
}
bench('indexOf only', () => rows(0));
bench('+trie walk', () => rows(1));
bench('+rows', () => rows(2));
