/**
 * Server text is untrusted: before any of it reaches a terminal, ANSI/OSC escape sequences and
 * control characters are removed or made visible. Newlines and tabs survive only where the
 * caller allows multi-line text.
 */

const ESCAPES = new RegExp(
  [
    /\u001b\[[0-?]*[ -/]*[@-~]/, // CSI: ESC [ parameters, intermediates, final byte
    /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/, // OSC: ESC ] … BEL or ST
    /\u001b[PX^_][^\u001b]*(?:\u001b\\)?/, // DCS, SOS, PM, APC: … ST
    /\u001b[@-Z\\-_]?/, // other two-byte ESC sequences (and a lone ESC)
    /\u009b[0-?]*[ -/]*[@-~]/, // C1 CSI
    /\u009d[^\u0007\u009c]*[\u0007\u009c]?/, // C1 OSC
  ]
    .map((r) => r.source)
    .join('|'),
  'g',
);
// C0 controls except \t \n, DEL, C1 controls, and bidi overrides that can disguise text.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x10000 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * One line: escapes stripped, line breaks and tabs become spaces, other controls shown as \uXXXX.
 * U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are line breaks too (terminals, editors and
 * log viewers may start a new line at them): spaces like the others.
 */
export function sanitizeLine(text: string): string {
  return text
    .replace(ESCAPES, '')
    .replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ')
    .replace(CONTROLS, visible);
}

/**
 * Multi-line text: escapes stripped, `\r\n`, lone `\r`, U+2028 and U+2029 become `\n`, tabs
 * become spaces, other controls shown as \uXXXX.
 */
export function sanitizeText(text: string): string {
  return text
    .replace(ESCAPES, '')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/\t/g, '    ')
    .replace(CONTROLS, visible);
}
