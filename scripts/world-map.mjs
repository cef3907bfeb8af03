// Draws the land outline behind the sessions page's map (PRODUCT.md S9) from Natural Earth's 1:110m land
// (public domain, through the world-atlas package), in an equirectangular projection: x = longitude + 180,
// y = 90 - latitude, so a session's place is a point of the same coordinates. d3-geo cuts the shapes that
// cross the antimeridian. Run it only to change the drawing; its output is kept in the repository, so
// neither the build nor Lanyard needs it:
//   cd "$(mktemp -d)" && npm i world-atlas@2 topojson-client@3 d3-geo@3 && node /path/to/scripts/world-map.mjs > \
//     /path/to/server/src/main/resources/static/img/world.svg
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Resolved from the directory it runs in, where the packages were installed.
const require = createRequire(process.cwd() + '/');
const { feature } = require('topojson-client');
const { geoEquirectangular, geoPath } = await import(require.resolve('d3-geo'));

const land = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8'));
const projection = geoEquirectangular().scale(180 / Math.PI).translate([180, 90]).precision(0.1);
const d = geoPath(projection).digits(1)(feature(land, land.objects.land));
process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180"><!-- Natural Earth 1:110m land, public domain; scripts/world-map.mjs --><path fill="#dfe3e8" d="${d}"/></svg>\n`);
