/**
 * A gateway's identity: an Ed25519 key in libp2p's protobuf key format, so the
 * same file gives the libp2p node its peer id and signs the gateway's ops.
 */

import type { KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey, PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { privateKeyFromSeed, publicKeyFromRaw, signBytes } from './signing.js';

export interface GatewayIdentity {
  /** libp2p key, for the libp2p node. */
  readonly privateKey: PrivateKey;
  /** base58 peer id: the gateway's author id in op logs. */
  readonly peerId: string;
  sign(message: Uint8Array): Uint8Array;
}

function fromKey(privateKey: Ed25519PrivateKey): GatewayIdentity {
  const signingKey: KeyObject = privateKeyFromSeed(privateKey.raw.subarray(0, 32));
  return {
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey).toString(),
    sign: (message) => signBytes(signingKey, message),
  };
}

export async function generateIdentity(): Promise<GatewayIdentity> {
  return fromKey(await generateKeyPair('Ed25519'));
}

/** Loads the key at `path`, creating it (mode 0600) on first start. */
export async function loadOrCreateIdentity(path: string): Promise<GatewayIdentity> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (bytes) {
    const key = privateKeyFromProtobuf(bytes);
    if (key.type !== 'Ed25519') throw new Error(`identity key ${path} is ${key.type}, expected Ed25519`);
    return fromKey(key);
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return fromKey(key);
}

const publicKeys = new Map<string, KeyObject>();

/** The verification key of an author, read from its (Ed25519, identity-hashed) peer id. */
export function authorPublicKey(peerId: string): KeyObject {
  let key = publicKeys.get(peerId);
  if (!key) {
    const id = peerIdFromString(peerId);
    if (id.type !== 'Ed25519' || !id.publicKey) throw new Error(`author ${peerId} is not an Ed25519 peer id`);
    key = publicKeyFromRaw(id.publicKey.raw);
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(peerId, key);
  }
  return key;
}
