// Contract fuzzing, run by ContractFuzzTests: Portman turns openapi.yaml into a Postman collection (one request per
// operation, with the test's real ids and tokens, plus Portman's fuzz variations: required fields removed, numbers
// and lengths beyond their limits), this script adds its own variations derived from each request (wrong JSON
// types, nulls, malformed and hostile bodies, unparsable path and query values), runs everything with newman and
// writes a condensed report of every exchange for the test to judge. It judges nothing itself.
//
// node fuzz.mjs <openapi.yaml> <baseUrl> <portman-config.json> <newman-environment.json> <outDir>
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import newman from 'newman';

const [contract, baseUrl, config, environmentFile, outDir] = process.argv.slice(2);
if (!outDir) {
    console.error('usage: node fuzz.mjs <openapi.yaml> <baseUrl> <portman-config.json> <environment.json> <outDir>');
    process.exit(64);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const started = Date.now();

const portman = spawnSync(process.execPath, [path.join(here, 'node_modules/@apideck/portman/bin/portman'),
    '-l', contract, '-b', baseUrl, '-c', config, '-o', path.join(outDir, 'collection.json')],
    { cwd: outDir, encoding: 'utf8' });
if (portman.status !== 0 || /Invalid Portman Config|Error/.test(portman.stdout)) {
    console.error(portman.stdout, portman.stderr);
    console.error('fuzz.mjs: Portman failed');
    process.exit(2);
}
const generatedMs = Date.now() - started;
const collection = JSON.parse(readFileSync(path.join(outDir, 'collection.json'), 'utf8'));

/** Where each request came from: its operation (method + path template) and which variation it is. */
const origins = new Map();
const operationOf = (request) => `${request.method} /${request.url.path.map(s => s.startsWith(':') ? `{${s.slice(1)}}` : s).join('/')}`;
const items = [];
(function collect(list, folder) {
    for (const item of list) {
        if (item.item) { collect(item.item, item.name); continue; }
        delete item.response; // the contract's sample answers: not needed to run, and large
        const variation = /(\[fuzz\].*)$/.exec(item.name);
        origins.set(item.id, { operation: operationOf(item.request), variation: variation ? variation[1] : 'baseline' });
        items.push({ folder, item });
    }
})(collection.item, '');

// Operations that never end on their own (Server-Sent Events) are left out: a stream has no input to fuzz.
const endless = (item) => (item.request.header || []).some(h => h.key === 'Accept' && h.value === 'text/event-stream')
    || /\/stream$/.test(origins.get(item.id).operation);
const baselines = items.filter(({ item }) => origins.get(item.id).variation === 'baseline' && !endless(item));
const portmanVariations = items.filter(({ item }) => origins.get(item.id).variation !== 'baseline' && !endless(item));

// Long, but short of the HTTP codec's 4096-byte request line: the application, not Netty, must answer it.
const LONG_URL = 'x'.repeat(3000);
const LONG = 'x'.repeat(20000);
const DEEP = '['.repeat(2000) + ']'.repeat(2000);
/** Values of the wrong JSON type, and of the right type but out of range or unparsable by the code behind. */
const wrongTypes = (value) => {
    if (value === null) return [{}, 'null-was-expected'];
    if (typeof value === 'string') return [12345, { unexpected: true }, null, 'nul\u0000byte', '\ud800', '', ' ',
        'not-a-uuid', '2026-02-30', '25:61', '9999-12-31T99:99:99+99:00'];
    if (typeof value === 'number') return ['not-a-number', 1e308, -2147483649, null, 0, -1, 1.5];
    if (typeof value === 'boolean') return ['not-a-boolean', null];
    if (Array.isArray(value)) return ['not-an-array', [null], null, [], Array(1001).fill(value[0] === undefined ? 'x' : value[0])];
    return ['not-an-object', [], null, {}];
};

function clone(base, label, mutate) {
    const item = JSON.parse(JSON.stringify(base));
    item.id = randomUUID();
    item.name = `${base.name}[mutation][${label}]`;
    mutate(item.request);
    origins.set(item.id, { operation: origins.get(base.id).operation, variation: `[mutation][${label}]` });
    return item;
}

/** Variations of one request, each breaking one thing the contract pins down. */
function mutations(base) {
    const out = [];
    const request = base.request;
    for (const variable of request.url.variable || []) {
        for (const value of ['not-a-uuid', '-1', '99999999999999999999', '%00', LONG_URL]) {
            out.push(clone(base, `path ${variable.key}=${value.slice(0, 24)}`, r => {
                r.url.variable.find(v => v.key === variable.key).value = value;
            }));
        }
    }
    for (const param of request.url.query || []) {
        for (const value of ['not-a-value', '-99999999999999999999', '9999-99-99T99:99:99', '%00', LONG_URL, '', '0']) {
            out.push(clone(base, `query ${param.key}=${value.slice(0, 24)}`, r => {
                const q = r.url.query.find(p => p.key === param.key);
                q.value = value;
                q.disabled = false;
            }));
        }
    }
    if ((request.url.query || []).some(p => p.disabled)) {
        out.push(clone(base, 'query all optional parameters', r => r.url.query.forEach(p => { p.disabled = false; })));
    }
    const raw = request.body && request.body.mode === 'raw' ? request.body.raw : null;
    if (raw === null) return out;
    const setRaw = (text) => (r) => { r.body.raw = text; };
    out.push(clone(base, 'body malformed JSON', setRaw(raw.slice(0, Math.max(1, raw.length >> 1)))));
    out.push(clone(base, 'body empty', setRaw('')));
    out.push(clone(base, 'body JSON null', setRaw('null')));
    out.push(clone(base, 'body array', setRaw('[' + raw + ']')));
    out.push(clone(base, 'body nested 2000 deep', setRaw(DEEP)));
    out.push(clone(base, 'body as text/plain', r => {
        r.header = (r.header || []).filter(h => h.key.toLowerCase() !== 'content-type');
        r.header.push({ key: 'Content-Type', value: 'text/plain' });
    }));
    let json;
    try { json = JSON.parse(raw); } catch { return out; }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return out;
    const fields = (object, prefix, depth) => Object.entries(object).flatMap(([key, value]) => {
        const here = [[prefix.concat(key), value]];
        if (depth < 2 && value && typeof value === 'object' && !Array.isArray(value)) return here.concat(fields(value, prefix.concat(key), depth + 1));
        if (depth < 2 && Array.isArray(value) && value[0] && typeof value[0] === 'object') return here.concat(fields(value[0], prefix.concat(key, '0'), depth + 1));
        return here;
    });
    for (const [keys, value] of fields(json, [], 0)) {
        for (const wrong of wrongTypes(value)) {
            out.push(clone(base, `body ${keys.join('.')}=${JSON.stringify(wrong).slice(0, 24)}`, r => {
                const copy = JSON.parse(raw);
                let target = copy;
                keys.slice(0, -1).forEach(k => { target = target[k]; });
                target[keys[keys.length - 1]] = wrong;
                r.body.raw = JSON.stringify(copy);
            }));
        }
        if (typeof value === 'string') {
            out.push(clone(base, `body ${keys.join('.')}=20000 chars`, r => {
                const copy = JSON.parse(raw);
                let target = copy;
                keys.slice(0, -1).forEach(k => { target = target[k]; });
                target[keys[keys.length - 1]] = LONG;
                r.body.raw = JSON.stringify(copy);
            }));
        }
    }
    out.push(clone(base, 'body unknown field', setRaw(JSON.stringify({ ...json, unexpectedField: 'x', __proto__: { admin: true } }))));
    return out;
}

// WeChat signs its message pushes with the push Token: requests to the push URL are signed just before they go, so
// that their bodies reach the parser; variations of the signature's own parameters stay as they are (unsigned).
const SIGN_WECHAT = [
    "const q = pm.request.url.query;",
    "if (q.has('signature') && q.has('timestamp') && q.has('nonce')) {",
    "    const timestamp = String(Math.floor(Date.now() / 1000));",
    "    const nonce = 'n' + Math.random().toString(36).slice(2);",
    "    const signature = require('crypto-js').SHA1([pm.environment.get('wechatToken'), timestamp, nonce].sort().join('')).toString();",
    "    q.upsert({ key: 'timestamp', value: timestamp });",
    "    q.upsert({ key: 'nonce', value: nonce });",
    "    q.upsert({ key: 'signature', value: signature });",
    "}",
];
const signedPush = (item) => {
    const { operation, variation } = origins.get(item.id);
    return operation.endsWith(' /wechat/v1/messages') && !/signature|timestamp|nonce|\[mutation\]\[(query|path) /.test(variation);
};
function sign(items) {
    items.filter(signedPush).forEach(item => {
        item.event = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: SIGN_WECHAT } }];
    });
}

// Variations first, the unchanged requests last: a baseline may delete or cancel what the variations need (and
// among the baselines, the deletions last).
const ownVariations = baselines.flatMap(({ item }) => mutations(item));
baselines.sort((a, b) => (a.item.request.method === 'DELETE') - (b.item.request.method === 'DELETE'));
sign(portmanVariations.map(({ item }) => item));
sign(ownVariations);
sign(baselines.map(({ item }) => item));
collection.item = [
    { name: 'Portman fuzz variations', item: portmanVariations.map(({ item }) => item) },
    { name: 'Mutations', item: ownVariations },
    { name: 'Baselines', item: baselines.map(({ item }) => item) },
];
writeFileSync(path.join(outDir, 'collection-run.json'), JSON.stringify(collection));

const exchanges = [];
newman.run({
    collection,
    environment: JSON.parse(readFileSync(environmentFile, 'utf8')),
    reporters: [],
    timeoutRequest: 20000,
    ignoreRedirects: true,
}).on('request', (err, run) => {
    const origin = origins.get(run.item.id) || { operation: run.request.method + ' ?', variation: '?' };
    const response = run.response;
    exchanges.push({
        operation: origin.operation,
        variation: origin.variation,
        method: run.request.method,
        url: run.request.url.getPathWithQuery().slice(0, 300),
        status: response ? response.code : 0,
        contentType: response ? (response.headers.get('Content-Type') || '') : '',
        ms: response ? response.responseTime : 0,
        error: err ? String(err.code || err.message) : null,
        // What a server error or a refused baseline said, to tell why in the test's report.
        body: response && (response.code >= 500 || (response.code >= 400 && origin.variation === 'baseline'))
            ? response.text().slice(0, 400) : null,
    });
}).on('done', (err, summary) => {
    const report = {
        generatedMs,
        runMs: Date.now() - started - generatedMs,
        portmanVariations: portmanVariations.length,
        mutations: ownVariations.length,
        baselines: baselines.length,
        leftOut: items.length - baselines.length - portmanVariations.length,
        newmanError: err ? String(err) : null,
        failures: summary.run.failures.length,
        exchanges,
    };
    writeFileSync(path.join(outDir, 'fuzz-report.json'), JSON.stringify(report));
    console.log(`fuzz.mjs: ${exchanges.length} requests (${baselines.length} baselines, ${portmanVariations.length} Portman`
        + ` variations, ${ownVariations.length} mutations) in ${report.runMs} ms after ${generatedMs} ms of generation`);
    process.exit(err ? 3 : 0);
});
