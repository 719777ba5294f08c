// Types for the part of binary-parser the decoder uses. The package ships declarations, but its
// `exports` map gives them no path under NodeNext resolution, so TypeScript cannot see them.
declare module 'binary-parser' {
  type Length = number | string;
  export class Parser {
    constructor();
    endianness(endianness: 'big' | 'little'): Parser;
    uint8(name: string): Parser;
    uint32(name: string): Parser;
    string(name: string, options: { zeroTerminated?: boolean; length?: Length; encoding?: string }): Parser;
    buffer(name: string, options: { length?: Length; readUntil?: 'eof' | ((byte: number) => boolean) }): Parser;
    array(name: string, options: { type: Parser | string; length?: Length; readUntil?: 'eof' }): Parser;
    choice(options: { tag: string; choices: Record<number, Parser>; defaultChoice?: Parser }): Parser;
    parse(buffer: Buffer | Uint8Array): unknown;
    /** The JavaScript source binary-parser generates for this parser. */
    getCode(): string;
  }
}
