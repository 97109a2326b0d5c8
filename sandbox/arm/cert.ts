// The sandbox's own certificate authority and its loopback server certificate. Clients trust the CA
// explicitly (never by switching verification off). Both are kept under `<dataDir>/tls/` and reused, so a
// client that trusted the CA keeps working after a restart. Keys come from node's crypto (fast); node-forge
// only builds and signs the certificates, because node has no API for that.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";

export interface TlsMaterial {
  caCert: string;
  caCertPath: string;
  cert: string;
  key: string;
}

const VALID_YEARS = 5;

function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem: privateKey };
}

function newCertificate(publicKey: forge.pki.rsa.PublicKey, subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[]) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive random serial: the leading byte is kept below 0x80.
  cert.serialNumber = "01" + randomBytes(15).toString("hex");
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + VALID_YEARS * 365 * 24 * 3600_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}

function generate(): { caCert: string; cert: string; key: string } {
  const ca = keyPair();
  const caName = [{ name: "commonName", value: "AIB image factory sandbox CA" }];
  const caCert = newCertificate(ca.publicKey, caName, caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const server = keyPair();
  const cert = newCertificate(server.publicKey, [{ name: "commonName", value: "localhost" }], caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 7, ip: "::1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(caCert), cert: forge.pki.certificateToPem(cert), key: server.pem };
}

/** Loads the CA and server certificate from `dir`, creating them on first use. */
export function ensureTls(dir: string): TlsMaterial {
  const paths = { caCert: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server-key.pem") };
  if (!existsSync(paths.caCert) || !existsSync(paths.cert) || !existsSync(paths.key)) {
    mkdirSync(dir, { recursive: true });
    const made = generate();
    writeFileSync(paths.key, made.key, { mode: 0o600 });
    writeFileSync(paths.cert, made.cert);
    writeFileSync(paths.caCert, made.caCert);
  }
  return {
    caCert: readFileSync(paths.caCert, "utf8"),
    caCertPath: paths.caCert,
    cert: readFileSync(paths.cert, "utf8"),
    key: readFileSync(paths.key, "utf8"),
  };
}
