// How many SMS parts a text becomes, as the SMPP client splits it (@switchboard/smpp's
// splitMessage): the window slots a submit takes, and the parts a refused message is recorded with.
import { MessageTooLongError, splitMessage } from '@switchboard/smpp';

/** SMS parts `text` becomes; a text too long for any split (past 255 parts) counts as one, the part sendText refuses. */
export function smsParts(text: string): number {
  try {
    return splitMessage(text).parts.length;
  } catch (error) {
    if (error instanceof MessageTooLongError) return 1;
    throw error;
  }
}
