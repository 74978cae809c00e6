/**
 * The sandbox's TLS identity: a throwaway CA and a server certificate it signs, generated at every start.
 * Clients trust the CA through its PEM file (undici `connect.ca`, NODE_EXTRA_CA_CERTS, the SQL driver's
 * `customCaCert`), so they speak real HTTPS to the sandbox exactly as to a workspace.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface SandboxCertificates {
  caCert: string;
  caCertPath: string;
  serverKey: string;
  serverCert: string;
}

// EC keys: generating RSA keys would cost most of the sandbox's start-up budget.
const KEY = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/** `hostnames`: extra DNS names the server certificate is valid for (e.g. a name a test proxy maps to it). */
export async function createCertificates(dir: string, hostnames: readonly string[] = []): Promise<SandboxCertificates> {
  const ca = await generate([{ name: 'commonName', value: 'ai-gateway-mcp sandbox CA' }], {
    ...KEY,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...KEY,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2 as const, value: 'localhost' }, ...hostnames.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }],
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  const caCertPath = join(dir, 'sandbox-ca.pem');
  await writeFile(caCertPath, ca.cert);
  return { caCert: ca.cert, caCertPath, serverKey: server.private, serverCert: server.cert };
}
