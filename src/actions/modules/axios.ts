/**
 * The vetted `axios` module an action may `require`: `axios(config)`, `axios.request/get/delete/head/post/put/patch`
 * and `axios.create(defaults)`, over the sandbox's guarded `fetch`. Answers are `{data, status, statusText, headers,
 * config}` (JSON bodies parsed); a status outside 2xx rejects with an Error carrying `response` and `isAxiosError`,
 * as axios does. `auth`, `params`, `baseURL` and `headers` work; an object body is sent as JSON, a URLSearchParams
 * body as a form. `timeout` is capped by the sandbox's own fetch timeout.
 *
 * JavaScript in a string: it runs inside the isolate (no `${`: not a template).
 */
export const AXIOS_MODULE = String.raw`
'use strict';
function merge(a, b) {
  var out = {};
  [a || {}, b || {}].forEach(function (source) {
    Object.keys(source).forEach(function (k) {
      if (k === 'headers') out.headers = Object.assign({}, out.headers || {}, source.headers || {});
      else out[k] = source[k];
    });
  });
  return out;
}
function query(params) {
  if (!params) return '';
  var form = params instanceof URLSearchParams ? params : new URLSearchParams();
  if (!(params instanceof URLSearchParams)) Object.keys(params).forEach(function (k) { if (params[k] !== undefined && params[k] !== null) form.append(k, String(params[k])); });
  var text = form.toString();
  return text ? '?' + text : '';
}
function create(defaults) {
  function request(configOrUrl, maybeConfig) {
    var config = typeof configOrUrl === 'string' ? merge(maybeConfig, { url: configOrUrl }) : configOrUrl;
    config = merge(defaults, config);
    var method = String(config.method || 'get').toUpperCase();
    var url = config.url || '';
    if (config.baseURL && !/^https?:\/\//i.test(url)) url = config.baseURL.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
    url += (url.indexOf('?') >= 0 && config.params ? '&' + query(config.params).slice(1) : query(config.params));
    var headers = {};
    Object.keys(config.headers || {}).forEach(function (k) { headers[k.toLowerCase()] = String(config.headers[k]); });
    if (config.auth) headers.authorization = 'Basic ' + btoa(config.auth.username + ':' + config.auth.password);
    var body = config.data;
    if (body instanceof URLSearchParams) {
      if (!headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded';
      body = body.toString();
    } else if (body !== undefined && body !== null && typeof body === 'object') {
      if (!headers['content-type']) headers['content-type'] = 'application/json';
      body = JSON.stringify(body);
    }
    if (!headers.accept) headers.accept = 'application/json, text/plain, */*';
    return fetch(url, { method: method, headers: headers, body: body === undefined || body === null ? undefined : String(body) }).then(function (response) {
      return response.text().then(function (text) {
        var data = text;
        if (config.responseType !== 'text') { try { data = text ? JSON.parse(text) : text; } catch (e) { data = text; } }
        var responseHeaders = {};
        response.headers.forEach(function (value, name) { responseHeaders[name] = value; });
        var result = { data: data, status: response.status, statusText: response.statusText, headers: responseHeaders, config: config };
        var valid = config.validateStatus || function (status) { return status >= 200 && status < 300; };
        if (valid(response.status)) return result;
        var err = new Error('Request failed with status code ' + response.status);
        err.name = 'AxiosError';
        err.isAxiosError = true;
        err.code = response.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST';
        err.response = result;
        err.config = config;
        throw err;
      });
    });
  }
  var instance = function (configOrUrl, maybeConfig) { return request(configOrUrl, maybeConfig); };
  instance.request = function (config) { return request(config); };
  ['get', 'delete', 'head', 'options'].forEach(function (method) {
    instance[method] = function (url, config) { return request(merge(config, { url: url, method: method })); };
  });
  ['post', 'put', 'patch'].forEach(function (method) {
    instance[method] = function (url, data, config) { return request(merge(config, { url: url, method: method, data: data })); };
  });
  instance.create = function (more) { return create(merge(defaults, more)); };
  instance.defaults = defaults || {};
  instance.isAxiosError = function (value) { return Boolean(value && value.isAxiosError); };
  return instance;
}
module.exports = create({});
module.exports.default = module.exports;
`;
