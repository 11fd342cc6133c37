import { crc32, deflateRawSync } from "node:zlib";

/** One entry of a hand-built ZIP archive used as a test fixture. */
export interface ZipEntrySpecification {
  name: string;
  data?: Buffer;
  /** 0 stores the data as is, 8 deflates it (the default). */
  method?: 0 | 8;
  /** Overrides the uncompressed size written into both headers, to build archives that lie. */
  declaredUncompressedSize?: number;
}

const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_RECORD_SIZE = 22;
const UTF8_NAMES_FLAG = 0x0800;

/** Writes a minimal, spec-conforming ZIP archive (no ZIP64, no comment) from the given entries. */
export function buildZip(entries: readonly ZipEntrySpecification[]): Buffer {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;

  for (const specification of entries) {
    const name = Buffer.from(specification.name, "utf8");
    const data = specification.data ?? Buffer.alloc(0);
    const method = specification.method ?? 8;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const uncompressedSize = specification.declaredUncompressedSize ?? data.length;
    const checksum = crc32(data);

    const local = Buffer.alloc(LOCAL_HEADER_SIZE);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAMES_FLAG, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);

    const central = Buffer.alloc(CENTRAL_HEADER_SIZE);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES_FLAG, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);

    localParts.push(local, name, stored);
    centralParts.push(central, name);
    offset += LOCAL_HEADER_SIZE + name.length + stored.length;
  }

  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(END_RECORD_SIZE);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, centralDirectory, end]);
}
