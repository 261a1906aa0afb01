/** Test helpers of the upload of actuals (not a test file itself). */

/** Shift_JIS bytes of a text, from the reverse of the platform's decoder (Node has no Shift_JIS encoder). */
export function encodeShiftJis(text: string): Uint8Array {
  const table = sjisTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    // WAVE DASH and friends: what Windows-31J maps them to
    const bytes = table.get(ch) ?? table.get({ '〜': '～', '−': '－' }[ch] ?? '');
    if (!bytes) throw new Error(`not in Shift_JIS: ${ch}`);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

let cached: Map<string, number[]> | null = null;
function sjisTable(): Map<string, number[]> {
  if (cached) return cached;
  const d = new TextDecoder('shift_jis', { fatal: true });
  const m = new Map<string, number[]>();
  for (let b = 0xa1; b <= 0xdf; b++) m.set(d.decode(Uint8Array.of(b)), [b]);
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (lead > 0x9f && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      try {
        const s = d.decode(Uint8Array.of(lead, trail));
        if (s.length === 1 && !m.has(s)) m.set(s, [lead, trail]);
      } catch {
        // not a character
      }
    }
  }
  cached = m;
  return m;
}
