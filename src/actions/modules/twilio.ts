/**
 * The vetted `twilio` module an action may `require`: the parts of the official helper library (twilio-node 4/5)
 * that phone delivery uses, over the sandbox's guarded `fetch` — `twilio(accountSid, authToken)` (also `new
 * twilio.Twilio(...)`), `client.messages.create`, `client.calls.create` and
 * `client.verify.v2.services(sid).verifications.create` (Twilio Verify, `customCode` included). Options are the
 * library's camelCase names, sent as Twilio's PascalCase form fields; answers come back camelCased as the library
 * returns them; an error answer rejects with a `RestException` {status, code, message, moreInfo}.
 *
 * Runs inside the isolate, so it is JavaScript in a string (no `${`: it is not a template). The base URLs are the
 * operator's (`GUARDLINE_TWILIO_BASE_URL`, `GUARDLINE_TWILIO_VERIFY_BASE_URL`), given as `__guardline.baseUrl(name)`.
 */
export const TWILIO_MODULE = String.raw`
'use strict';
function camel(key) { return key.replace(/_([a-z])/g, function (_, c) { return c.toUpperCase(); }); }
function camelize(value) {
  if (Array.isArray(value)) return value.map(camelize);
  if (value && typeof value === 'object') {
    var out = {};
    Object.keys(value).forEach(function (k) { out[camel(k)] = camelize(value[k]); });
    return out;
  }
  return value;
}
function RestException(status, body) {
  var err = new Error((body && body.message) || ('Twilio answered HTTP ' + status));
  err.name = 'RestException';
  err.status = status;
  err.code = body && body.code;
  err.moreInfo = body && body.more_info;
  err.details = body && body.details;
  return err;
}
function formOf(params) {
  var form = new URLSearchParams();
  Object.keys(params || {}).forEach(function (key) {
    var value = params[key];
    if (value === undefined || value === null) return;
    var name = key.charAt(0).toUpperCase() + key.slice(1);
    if (Array.isArray(value)) value.forEach(function (v) { form.append(name, String(v)); });
    else form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  });
  return form;
}
function Twilio(accountSid, authToken, options) {
  if (!(this instanceof Twilio)) return new Twilio(accountSid, authToken, options);
  if (!accountSid || !/^AC/.test(String(accountSid))) throw new Error('accountSid must start with AC');
  if (!authToken) throw new Error('authToken is required');
  var authorization = 'Basic ' + btoa(accountSid + ':' + authToken);
  function post(url, params) {
    return fetch(url, {
      method: 'POST',
      headers: { authorization: authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: formOf(params).toString(),
    }).then(function (response) {
      return response.text().then(function (text) {
        var body;
        try { body = text ? JSON.parse(text) : {}; } catch (e) { body = { message: text }; }
        if (!response.ok) throw RestException(response.status, body);
        return camelize(body);
      });
    });
  }
  var api = __guardline.baseUrl('twilio') + '/2010-04-01/Accounts/' + encodeURIComponent(accountSid);
  var verifyBase = __guardline.baseUrl('twilioVerify') + '/v2/Services/';
  this.accountSid = accountSid;
  this.messages = { create: function (params) { return post(api + '/Messages.json', params); } };
  this.calls = { create: function (params) { return post(api + '/Calls.json', params); } };
  var services = function (sid) {
    return { verifications: { create: function (params) { return post(verifyBase + encodeURIComponent(sid) + '/Verifications', params); } } };
  };
  this.verify = { v2: { services: services } };
}
module.exports = Twilio;
module.exports.Twilio = Twilio;
module.exports.default = Twilio;
module.exports.RestException = RestException;
`;
