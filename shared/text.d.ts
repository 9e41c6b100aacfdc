/**
 * UTF-8 encoding, present in every runtime the shared code runs in (Node, browsers, Electron) but
 * declared by neither the ES library nor `types: []`: the few members the binary frames use.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
