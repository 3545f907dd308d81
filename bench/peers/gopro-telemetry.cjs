// SPDX-License-Identifier: CC0-1.0
// The gopro-telemetry peer of the benchmark: every sample of every stream of an MP4 to one JSON
// file, the way gopro-telemetry's README does it. gpmf-extract reads the MP4 (given whole, as a
// Buffer, as its README shows for Node), gopro-telemetry decodes the track with its default
// options (all devices and streams, scaled values, cts and date on every sample) and
// JSON.stringify writes the result. Prints the number of devices, streams and samples.
//
// Usage: NODE_PATH=bench/.work/node_modules node bench/peers/gopro-telemetry.cjs IN.MP4 OUT.json
'use strict';

const fs = require('fs');
const gpmfExtract = require('gpmf-extract');
const goproTelemetry = require('gopro-telemetry');

function count(telemetry) {
	let devices = 0, streams = 0, samples = 0;
	// Devices are the members with streams (others, such as "frames/second", describe the file).
	for (const device of Object.values(telemetry)) {
		if (!device || typeof device.streams !== 'object')
			continue;
		devices++;
		for (const stream of Object.values(device.streams)) {
			streams++;
			samples += (stream.samples || []).length;
		}
	}
	return `${devices} devices, ${streams} streams, ${samples} samples`;
}

async function main(args) {
	if (args.length !== 2) {
		console.error('Usage: node gopro-telemetry.cjs IN.MP4 OUT.json');
		return 2;
	}
	const [input, output] = args;
	const extracted = await gpmfExtract(fs.readFileSync(input));
	const telemetry = await goproTelemetry(extracted, {});
	fs.writeFileSync(output, JSON.stringify(telemetry));
	console.log(count(telemetry));
	return 0;
}

main(process.argv.slice(2)).then(
	(status) => { process.exitCode = status; },
	(error) => {
		console.error(`gopro-telemetry.cjs: ${error && error.stack ? error.stack : error}`);
		process.exitCode = 1;
	});
