/**
 * The JavaScript that sets up every execution context before tenant code runs (compiled once per isolate, run in
 * each fresh context). It takes the host bridges the sandbox put on the global (`_gl_*`), hides them, removes what
 * tenant code must not have (SharedArrayBuffer/Atomics.wait: a thread block the watchdog cannot interrupt;
 * WebAssembly: memory outside the heap limit), and defines the globals an action may use: `console`, `fetch`,
 * `URLSearchParams`, `btoa`/`atob`, a small `Buffer`, `setTimeout`/`clearTimeout`, `require` of the bundled modules.
 * `__guardline_run` then runs the module and its handler and returns one JSON string for the host to check.
 *
 * The intrinsics it needs are captured first, so tenant code that tampers with `JSON` or `Array.prototype` after it
 * starts cannot break what the host receives (and what it receives is parsed and validated there anyway).
 * JavaScript in a string (no `${`: not a template).
 */
export const PRELUDE = String.raw`
(function (global) {
  'use strict';
  var log = global._gl_log, fetchRef = global._gl_fetch, sleepRef = global._gl_sleep, helper = global._gl_helper;
  var hostFetch = function (request) { return fetchRef.apply(undefined, [request], { arguments: { copy: true }, result: { promise: true, copy: true } }); };
  var sleep = function (ms) { return sleepRef.apply(undefined, [ms], { arguments: { copy: true }, result: { promise: true } }); };
  delete global._gl_log; delete global._gl_fetch; delete global._gl_sleep; delete global._gl_helper;
  delete global.SharedArrayBuffer; delete global.WebAssembly;
  if (global.Atomics) { delete global.Atomics.wait; delete global.Atomics.waitAsync; }
  var stringify = JSON.stringify, parse = JSON.parse, StringOf = String, ErrorOf = Error, TypeErrorOf = TypeError;
  var isArray = Array.isArray, keys = Object.keys, defineProperty = Object.defineProperty, freeze = Object.freeze;
  var fromCharCode = String.fromCharCode, PromiseOf = Promise;
  var modules = {};

  function safeString(value) {
    try {
      if (typeof value === 'string') return value;
      if (value instanceof ErrorOf) return StringOf(value.stack || (value.name + ': ' + value.message));
      if (typeof value === 'object' && value !== null) { var text = stringify(value); return text === undefined ? StringOf(value) : text; }
      return StringOf(value);
    } catch (e) {
      return '[unprintable]';
    }
  }
  var consoleObject = {};
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    consoleObject[level] = function () {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(safeString(arguments[i]));
      log(level, parts.join(' '));
    };
  });
  defineProperty(global, 'console', { value: freeze(consoleObject), writable: false, configurable: false });

  // btoa/atob and a small Buffer (utf8, base64, hex): what actions use to build Basic credentials.
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function utf8Bytes(text) {
    var bytes = [], s = StringOf(text);
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { var d = s.charCodeAt(i + 1); if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; } }
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return bytes;
  }
  function utf8Text(bytes) {
    var out = '', i = 0;
    while (i < bytes.length) {
      var b = bytes[i++], c;
      if (b < 0x80) c = b;
      else if (b < 0xe0) c = ((b & 31) << 6) | (bytes[i++] & 63);
      else if (b < 0xf0) c = ((b & 15) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
      else c = ((b & 7) << 18) | ((bytes[i++] & 63) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
      if (c > 0xffff) { c -= 0x10000; out += fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023)); } else out += fromCharCode(c);
    }
    return out;
  }
  function base64Of(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    }
    return out;
  }
  function bytesOfBase64(text) {
    var s = StringOf(text).replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/'), bytes = [], bits = 0, value = 0;
    for (var i = 0; i < s.length; i++) {
      var index = B64.indexOf(s[i]);
      if (index < 0) throw new ErrorOf('Invalid base64');
      value = (value << 6) | index; bits += 6;
      if (bits >= 8) { bits -= 8; bytes.push((value >> bits) & 255); }
    }
    return bytes;
  }
  global.btoa = function (text) {
    var s = StringOf(text), bytes = [];
    for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c > 255) throw new ErrorOf('btoa: the string contains characters outside of the Latin1 range'); bytes.push(c); }
    return base64Of(bytes);
  };
  global.atob = function (text) { return bytesOfBase64(text).map(function (b) { return fromCharCode(b); }).join(''); };
  function MiniBuffer(bytes) { this.bytes = bytes; this.length = bytes.length; }
  MiniBuffer.prototype.toString = function (encoding) {
    if (encoding === 'base64') return base64Of(this.bytes);
    if (encoding === 'hex') return this.bytes.map(function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
    return utf8Text(this.bytes);
  };
  global.Buffer = {
    from: function (value, encoding) {
      if (value instanceof MiniBuffer) return new MiniBuffer(value.bytes.slice());
      if (isArray(value)) return new MiniBuffer(value.map(function (b) { return b & 255; }));
      if (encoding === 'base64') return new MiniBuffer(bytesOfBase64(value));
      if (encoding === 'hex') { var out = [], s = StringOf(value); for (var i = 0; i + 1 < s.length; i += 2) out.push(parseInt(s.substr(i, 2), 16)); return new MiniBuffer(out); }
      return new MiniBuffer(utf8Bytes(value));
    },
    isBuffer: function (value) { return value instanceof MiniBuffer; },
  };

  function encode(text) {
    return encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()~]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });
  }
  function decode(text) { return decodeURIComponent(StringOf(text).replace(/\+/g, ' ')); }
  function URLSearchParams(init) {
    this._pairs = [];
    if (init === undefined || init === null) return;
    if (init instanceof URLSearchParams) { this._pairs = init._pairs.slice(); return; }
    if (typeof init === 'string') {
      var self = this;
      init.replace(/^\?/, '').split('&').forEach(function (part) {
        if (!part) return;
        var at = part.indexOf('=');
        self._pairs.push(at < 0 ? [decode(part), ''] : [decode(part.slice(0, at)), decode(part.slice(at + 1))]);
      });
      return;
    }
    if (isArray(init)) { for (var i = 0; i < init.length; i++) this._pairs.push([StringOf(init[i][0]), StringOf(init[i][1])]); return; }
    var names = keys(init);
    for (var j = 0; j < names.length; j++) this._pairs.push([names[j], StringOf(init[names[j]])]);
  }
  URLSearchParams.prototype.append = function (name, value) { this._pairs.push([StringOf(name), StringOf(value)]); };
  URLSearchParams.prototype.delete = function (name) { this._pairs = this._pairs.filter(function (p) { return p[0] !== StringOf(name); }); };
  URLSearchParams.prototype.get = function (name) { for (var i = 0; i < this._pairs.length; i++) if (this._pairs[i][0] === StringOf(name)) return this._pairs[i][1]; return null; };
  URLSearchParams.prototype.getAll = function (name) { return this._pairs.filter(function (p) { return p[0] === StringOf(name); }).map(function (p) { return p[1]; }); };
  URLSearchParams.prototype.has = function (name) { return this.get(name) !== null; };
  URLSearchParams.prototype.set = function (name, value) {
    var n = StringOf(name), found = false;
    this._pairs = this._pairs.filter(function (p) { if (p[0] !== n) return true; if (found) return false; found = true; p[1] = StringOf(value); return true; });
    if (!found) this._pairs.push([n, StringOf(value)]);
  };
  URLSearchParams.prototype.forEach = function (fn) { var self = this; this._pairs.forEach(function (p) { fn(p[1], p[0], self); }); };
  URLSearchParams.prototype.entries = function () { return this._pairs.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); };
  URLSearchParams.prototype[Symbol.iterator] = URLSearchParams.prototype.entries;
  URLSearchParams.prototype.toString = function () { return this._pairs.map(function (p) { return encode(p[0]) + '=' + encode(p[1]); }).join('&'); };
  global.URLSearchParams = URLSearchParams;

  // Timers: host timers, capped by the host at the execution's wall-clock limit.
  var timers = {}, nextTimer = 1;
  global.setTimeout = function (fn, ms) {
    var id = nextTimer++, args = Array.prototype.slice.call(arguments, 2);
    timers[id] = true;
    sleep(Math.max(0, Number(ms) || 0)).then(function () { if (timers[id]) { delete timers[id]; if (typeof fn === 'function') fn.apply(undefined, args); } });
    return id;
  };
  global.clearTimeout = function (id) { delete timers[id]; };

  function Headers(init) {
    this._map = {};
    var self = this;
    if (!init) return;
    if (init instanceof Headers) { keys(init._map).forEach(function (k) { self._map[k] = init._map[k]; }); return; }
    if (isArray(init)) { init.forEach(function (pair) { self.append(pair[0], pair[1]); }); return; }
    keys(init).forEach(function (k) { self.append(k, init[k]); });
  }
  Headers.prototype.append = function (name, value) { var k = StringOf(name).toLowerCase(); this._map[k] = this._map[k] === undefined ? StringOf(value) : this._map[k] + ', ' + StringOf(value); };
  Headers.prototype.set = function (name, value) { this._map[StringOf(name).toLowerCase()] = StringOf(value); };
  Headers.prototype.get = function (name) { var v = this._map[StringOf(name).toLowerCase()]; return v === undefined ? null : v; };
  Headers.prototype.has = function (name) { return this._map[StringOf(name).toLowerCase()] !== undefined; };
  Headers.prototype.delete = function (name) { delete this._map[StringOf(name).toLowerCase()]; };
  Headers.prototype.forEach = function (fn) { var self = this; keys(this._map).forEach(function (k) { fn(self._map[k], k, self); }); };
  Headers.prototype.entries = function () { var self = this; return keys(this._map).map(function (k) { return [k, self._map[k]]; })[Symbol.iterator](); };
  Headers.prototype[Symbol.iterator] = Headers.prototype.entries;
  global.Headers = Headers;

  global.fetch = function (input, init) {
    init = init || {};
    var headers = new Headers(init.headers);
    var body = init.body;
    if (body instanceof URLSearchParams) { if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8'); body = body.toString(); }
    else if (body !== undefined && body !== null && typeof body !== 'string') body = StringOf(body);
    var request = stringify({ url: StringOf(input && input.url ? input.url : input), method: StringOf(init.method || 'GET').toUpperCase(), headers: headers._map, body: body === undefined || body === null ? null : body });
    return hostFetch(request).then(function (answer) {
      var parsed = parse(answer);
      if (parsed.error) throw new TypeErrorOf(parsed.error);
      var responseHeaders = new Headers(parsed.headers);
      var text = parsed.body;
      return {
        ok: parsed.status >= 200 && parsed.status < 300,
        status: parsed.status,
        statusText: parsed.statusText,
        url: parsed.url,
        redirected: false,
        headers: responseHeaders,
        text: function () { return PromiseOf.resolve(text); },
        json: function () { return PromiseOf.resolve().then(function () { return parse(text); }); },
      };
    });
  };

  var definitions = {};
  global.__gl_define = function (name, factory) { definitions[name] = factory; };

  global.__guardline_run = function (handlerName, eventJson, cacheJson, optionsJson) {
    var moduleFunction = global.__guardline_module;
    delete global.__guardline_module; delete global.__gl_define; delete global.__guardline_run;
    var options = parse(optionsJson);
    var hostHelpers = { baseUrl: function (name) { return options.vendorBaseUrls[name] || ''; } };
    options.helpers.forEach(function (name) { hostHelpers[name] = function () { return helper(name, stringify(Array.prototype.slice.call(arguments).map(StringOf))); }; });
    freeze(hostHelpers);
    function requireModule(name) {
      name = StringOf(name);
      if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name].exports;
      var factory = definitions[name];
      if (!factory) { var missing = new ErrorOf("Cannot find module '" + name + "'"); missing.code = 'MODULE_NOT_FOUND'; missingModule = name; throw missing; }
      var mod = { exports: {} };
      modules[name] = mod;
      factory(mod, mod.exports, requireModule, hostHelpers);
      return mod.exports;
    }
    var missingModule = null;
    var now = options.now;
    var cache = parse(cacheJson), writes = [], notification = null;
    var CACHE_KEY_MAX = 256, CACHE_VALUE_MAX = 8192, CACHE_ENTRIES_MAX = 100, DEFAULT_TTL = 15 * 60 * 1000;
    var api = {
      cache: freeze({
        get: function (key) { var record = cache[StringOf(key)]; return record && record.expires_at > now ? { value: record.value, expires_at: record.expires_at } : undefined; },
        set: function (key, value, opts) {
          key = StringOf(key); value = StringOf(value);
          if (key.length === 0 || key.length > CACHE_KEY_MAX) return { type: 'error', code: 'invalid_key' };
          if (value.length > CACHE_VALUE_MAX) return { type: 'error', code: 'value_too_large' };
          if (cache[key] === undefined && keys(cache).length >= CACHE_ENTRIES_MAX) return { type: 'error', code: 'too_many_entries' };
          var expires = now + DEFAULT_TTL;
          if (opts && typeof opts.ttl === 'number' && opts.ttl > 0) expires = now + opts.ttl;
          if (opts && typeof opts.expires_at === 'number' && (!(opts && typeof opts.ttl === 'number') || opts.expires_at < expires)) expires = opts.expires_at;
          cache[key] = { value: value, expires_at: expires };
          writes.push({ op: 'set', key: key, value: value, expires_at: expires });
          return { type: 'success' };
        },
        delete: function (key) { key = StringOf(key); delete cache[key]; writes.push({ op: 'delete', key: key }); return { type: 'success' }; },
      }),
    };
    if (options.trigger === 'custom-phone-provider') {
      api.notification = freeze({
        drop: function (reason) { notification = { action: 'drop', reason: StringOf(reason === undefined ? '' : reason).slice(0, 1024) }; },
        retry: function (reason) { notification = { action: 'retry', reason: StringOf(reason === undefined ? '' : reason).slice(0, 1024) }; },
      });
    }
    freeze(api);
    function finish(ok, kind, message) {
      return stringify({ ok: ok, error: ok ? null : { kind: kind, message: StringOf(message).slice(0, 2048) }, notification: notification, cacheWrites: writes });
    }
    function failure(err) {
      if (missingModule !== null) return finish(false, 'module_not_found', "Cannot find module '" + missingModule + "': Guardline bundles only its vetted modules (docs/actions.md)");
      return finish(false, 'exception', safeString(err));
    }
    var mod = { exports: {} };
    try {
      if (typeof moduleFunction !== 'function') return finish(false, 'invalid_code', 'The code did not compile.');
      moduleFunction(mod.exports, mod, requireModule);
    } catch (err) {
      return failure(err);
    }
    var handler = mod.exports && mod.exports[handlerName];
    if (typeof handler !== 'function') return finish(false, 'invalid_code', 'The code does not export ' + handlerName + '.');
    var event = parse(eventJson);
    try {
      return PromiseOf.resolve(handler(event, api)).then(function () { return finish(true); }, failure);
    } catch (err) {
      return failure(err);
    }
  };
})(globalThis);
`;

/** Wraps a bundled module's CommonJS source so that running it in a context only registers its factory. */
export const defineModule = (name: string, source: string) => `__gl_define(${JSON.stringify(name)}, function (module, exports, require, __guardline) {\n${source}\n});`;

/** Wraps the tenant's CommonJS module: running the compiled script defines the function, nothing of the tenant's runs. */
export const wrapTenantModule = (code: string) => `globalThis.__guardline_module = function (exports, module, require) {\n${code}\n};`;
