/**
 * The vetted AWS modules an action may `require` for Amazon SNS `Publish` to a phone number:
 * - `aws-sdk` (v2): `new AWS.SNS({region, apiVersion, accessKeyId, secretAccessKey | credentials})`, `AWS.config.update`,
 *   `new AWS.Credentials(id, secret)`, `sns.publish(params).promise()` and the callback form;
 * - `@aws-sdk/client-sns` (v3): `new SNSClient({region, credentials})`, `client.send(new PublishCommand(params))`.
 * Only `Publish` exists (other operations reject with a clear error). Requests are signed with Signature V4 on the
 * host (the `aws4` library Guardline's SNS provider uses, as `__guardline.aws4Sign`) and sent with the sandbox's
 * guarded `fetch` to `GUARDLINE_SNS_BASE_URL` (default `https://sns.{region}.amazonaws.com`). Errors reject with
 * an Error whose `code` and `statusCode` are SNS's, as the SDKs do.
 *
 * JavaScript in strings: they run inside the isolate (no `${`: not templates).
 */
const SNS_CORE = String.raw`
'use strict';
function xmlText(xml, tag) {
  var match = new RegExp('<' + tag + '>([\\s\\S]*?)</' + tag + '>').exec(xml);
  return match ? match[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') : undefined;
}
function publishForm(params) {
  if (!params || typeof params !== 'object') throw new Error('Publish: params must be an object');
  if (typeof params.Message !== 'string') throw new Error('Publish: Message is required');
  var form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', Message: params.Message });
  ['PhoneNumber', 'TopicArn', 'TargetArn', 'Subject', 'MessageStructure'].forEach(function (name) {
    if (params[name] !== undefined) form.set(name, String(params[name]));
  });
  var attributes = params.MessageAttributes || {};
  Object.keys(attributes).forEach(function (name, i) {
    var entry = 'MessageAttributes.entry.' + (i + 1);
    form.set(entry + '.Name', name);
    form.set(entry + '.Value.DataType', String(attributes[name].DataType));
    if (attributes[name].StringValue !== undefined) form.set(entry + '.Value.StringValue', String(attributes[name].StringValue));
  });
  return form.toString();
}
function publish(config, params) {
  var region = config.region;
  var credentials = config.credentials || {};
  var accessKeyId = credentials.accessKeyId || config.accessKeyId;
  var secretAccessKey = credentials.secretAccessKey || config.secretAccessKey;
  if (!region) return Promise.reject(new Error('Missing region in config'));
  if (!accessKeyId || !secretAccessKey) return Promise.reject(new Error('Missing credentials in config'));
  var body;
  try { body = publishForm(params); } catch (e) { return Promise.reject(e); }
  // No URL class inside the isolate: the base URL is split by hand.
  var parts = /^(https?:\/\/)([^/?#]+)([^?#]*)$/.exec(__guardline.baseUrl('sns').replace('{region}', region));
  if (!parts) return Promise.reject(new Error('Invalid SNS endpoint'));
  var endpoint = { origin: parts[1] + parts[2], host: parts[2] };
  var path = parts[3] || '/';
  var headers = JSON.parse(__guardline.aws4Sign(JSON.stringify({
    host: endpoint.host, path: path, method: 'POST', service: 'sns', region: region, body: body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
  }), JSON.stringify({ accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: credentials.sessionToken || config.sessionToken })));
  headers.accept = 'text/xml';
  return fetch(endpoint.origin + path, { method: 'POST', headers: headers, body: body }).then(function (response) {
    return response.text().then(function (text) {
      if (response.ok) {
        var id = xmlText(text, 'MessageId');
        if (!id) throw new Error('SNS answered without a MessageId');
        return { MessageId: id, $metadata: { httpStatusCode: response.status } };
      }
      var err = new Error(xmlText(text, 'Message') || ('SNS answered HTTP ' + response.status));
      err.name = err.code = err.Code = xmlText(text, 'Code') || String(response.status);
      err.statusCode = response.status;
      err.$metadata = { httpStatusCode: response.status };
      throw err;
    });
  });
}
`;

export const AWS_SDK_MODULE = `${SNS_CORE}${String.raw`
var globalConfig = {};
function Credentials(accessKeyId, secretAccessKey, sessionToken) {
  if (accessKeyId && typeof accessKeyId === 'object') { sessionToken = accessKeyId.sessionToken; secretAccessKey = accessKeyId.secretAccessKey; accessKeyId = accessKeyId.accessKeyId; }
  this.accessKeyId = accessKeyId; this.secretAccessKey = secretAccessKey; this.sessionToken = sessionToken;
}
function merged(options) {
  var out = {};
  [globalConfig, options || {}].forEach(function (source) { Object.keys(source).forEach(function (k) { out[k] = source[k]; }); });
  return out;
}
function request(promise) {
  return {
    promise: function () { return promise; },
    send: function (callback) { promise.then(function (data) { callback(null, data); }, function (err) { callback(err); }); },
  };
}
function SNS(options) {
  if (!(this instanceof SNS)) return new SNS(options);
  var config = merged(options);
  this.config = { region: config.region, apiVersion: config.apiVersion };
  this.publish = function (params, callback) {
    var promise = publish(config, params).then(function (data) { delete data.$metadata; return data; });
    if (typeof callback === 'function') { promise.then(function (data) { callback(null, data); }, function (err) { callback(err); }); }
    return request(promise);
  };
}
module.exports = {
  SNS: SNS,
  Credentials: Credentials,
  config: { update: function (options) { Object.keys(options || {}).forEach(function (k) { globalConfig[k] = options[k]; }); } },
};
`}`;

export const CLIENT_SNS_MODULE = `${SNS_CORE}${String.raw`
function PublishCommand(input) { this.input = input; this.name = 'PublishCommand'; }
function SNSClient(config) {
  if (!(this instanceof SNSClient)) throw new TypeError("Class constructor SNSClient cannot be invoked without 'new'");
  this.config = config || {};
  this.send = function (command) {
    if (!(command instanceof PublishCommand)) return Promise.reject(new Error('Only PublishCommand is available in Guardline actions'));
    return publish(this.config, command.input);
  };
  this.destroy = function () {};
}
module.exports = { SNSClient: SNSClient, PublishCommand: PublishCommand };
`}`;
