#!/usr/bin/env node
// Renders the app and tray icons from the SVG sources in build/ (run: `node build/icons.mjs`).
// Needs `rsvg-convert` (Debian: `apt-get install librsvg2-bin`). The outputs are committed.
//
// Sources: icon.svg (1024 grid, used at >= 48 px), icon-32.svg (32 grid, 24/32 px) and
// icon-16.svg (16 grid, 16 px) are the same hub drawn for their size so small icons stay crisp;
// tray-template.svg is the monochrome macOS menu-bar glyph.
// Outputs: icon.png (512), icon-1024.png, icon.ico (Windows), icon.icns (macOS),
// linux-icons/NxN.png (Linux hicolor set), icons/tray{,@1.5x,@2x}.png and icons/trayTemplate{,@2x}.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Renders an SVG from build/ to a PNG buffer of size × size pixels. */
function render(svg, size) {
  try {
    return execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), join(here, svg)]);
  } catch (error) {
    if (error.code === 'ENOENT') {
      console.error('icons: rsvg-convert not found (Debian: apt-get install librsvg2-bin)');
      process.exit(1);
    }
    throw error;
  }
}

/** The hand-tuned source for each pixel size. */
const sourceFor = (size) => (size <= 16 ? 'icon-16.svg' : size <= 32 ? 'icon-32.svg' : 'icon.svg');

/** A Windows .ico whose entries are PNG images (Windows Vista and later). */
function ico(sizes) {
  const images = sizes.map((size) => render(sourceFor(size), size));
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(images[i].length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += images[i].length;
  });
  return Buffer.concat([header, ...images]);
}

/** A macOS .icns whose entries are PNG images, keyed by OSType. */
function icns(entries) {
  const chunks = entries.map(([type, size]) => {
    const png = render(size <= 16 ? 'icon-16.svg' : 'icon.svg', size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

function write(path, data) {
  mkdirSync(dirname(join(here, path)), { recursive: true });
  writeFileSync(join(here, path), data);
  console.log(`icons: build/${path}`);
}

write('icon.png', render('icon.svg', 512));
write('icon-1024.png', render('icon.svg', 1024));
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256]));
write(
  'icon.icns',
  icns([
    ['icp4', 16],
    ['ic11', 32], // 16@2x
    ['icp5', 32],
    ['ic12', 64], // 32@2x
    ['icp6', 64],
    ['ic07', 128],
    ['ic13', 256], // 128@2x
    ['ic08', 256],
    ['ic14', 512], // 256@2x
    ['ic09', 512],
    ['ic10', 1024], // 512@2x
  ]),
);
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  write(`linux-icons/${size}x${size}.png`, render(sourceFor(size), size));
}
// Windows and Linux trays: the small app icon reads on light and dark taskbars alike.
write('icons/tray.png', render('icon-16.svg', 16));
write('icons/tray@1.5x.png', render('icon-32.svg', 24)); // Windows at 150 % scaling
write('icons/tray@2x.png', render('icon-32.svg', 32));
write('icons/trayTemplate.png', render('tray-template.svg', 16));
write('icons/trayTemplate@2x.png', render('tray-template.svg', 32));

// Sanity: every PNG written above starts with the PNG signature (rsvg-convert wrote real images).
const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
if (!readFileSync(join(here, 'icon.png')).subarray(0, 4).equals(signature)) {
  throw new Error('icons: rsvg-convert did not produce a PNG');
}
