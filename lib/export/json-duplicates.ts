/**
 * I-JSON (RFC 7493) forbids duplicate member names. JSON.parse keeps the last one, other parsers
 * the first or refuse: a bundle with "nip" twice could show one person to the verifier and
 * another to a reader. The verifier refuses such files. Linear scan of text that JSON.parse has
 * already accepted (so the syntax is known to be valid).
 */
export function firstDuplicateKey(text: string): string | null {
  const stack: { obj: boolean; keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) stack.push({ obj: true, keys: new Set(), expectKey: true });
    else if (c === 0x5b /* [ */) stack.push({ obj: false, keys: null, expectKey: false });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.obj) top.expectKey = true;
    } else if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      const top = stack.at(-1);
      if (top?.obj && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys!.has(key)) return key;
        top.keys!.add(key);
        top.expectKey = false;
      }
    }
  }
  return null;
}
