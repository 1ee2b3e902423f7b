import { decodeHlc } from '@gatehouse/mesh';

/** The wall-clock part of a hybrid logical timestamp, for display. */
export function hlcToDate(hlc: string): Date {
  return new Date(decodeHlc(hlc).wall);
}
