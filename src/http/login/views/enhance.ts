import { cspHash } from './styles.js';

/**
 * The one inline script of the MFA screens, allowed by its hash. Every page works without it; it only adds:
 * - the resend countdown (`button[data-countdown]`: enabled when it reaches 0; the server rendered the same text);
 * - a pasted or autofilled code reduced to its digits (`input[data-otp]`: "123 456" → "123456");
 * - WebOTP on the SMS code screen (`input[data-webotp]`): the browser reads the origin-bound SMS line, fills the
 *   code and submits; aborted when the user submits first;
 * - the phone number checked as typed (`input[data-phone-check]`): digits only, 4–14 digits after the calling
 *   code (15 in all, E.164; "too short" only once the field is left), messages from the feedback element's data
 *   attributes (no text in the script). The server does the real check.
 * It reads no model data: the markup carries everything, so one hash serves every page.
 */
export const ENHANCE_SCRIPT = `(function(){"use strict";var d=document;
d.querySelectorAll("button[data-countdown]").forEach(function(b){var left=parseInt(b.getAttribute("data-countdown"),10)||0;
var wait=d.getElementById(b.getAttribute("data-wait")||""),num=wait&&wait.querySelector("[data-seconds]");
var tick=function(){if(left<=0){b.disabled=false;if(wait)wait.hidden=true;return}if(num)num.textContent=String(left);left--;setTimeout(tick,1000)};tick()});
d.querySelectorAll("input[data-otp]").forEach(function(i){var max=i.maxLength>0?i.maxLength:12;
var clean=function(v){return v.replace(/\\D/g,"").slice(0,max)};
i.addEventListener("paste",function(e){var t=e.clipboardData&&e.clipboardData.getData("text");if(t){e.preventDefault();i.value=clean(t);i.dispatchEvent(new Event("input"))}});
i.addEventListener("input",function(){var c=clean(i.value);if(c!==i.value)i.value=c})});
var w=d.querySelector("input[data-webotp]");
if(w&&w.form&&"OTPCredential" in window&&navigator.credentials){var ac=new AbortController();w.form.addEventListener("submit",function(){ac.abort()});
navigator.credentials.get({otp:{transport:["sms"]},signal:ac.signal}).then(function(o){if(o&&o.code){w.value=o.code.replace(/\\D/g,"");if(w.form.requestSubmit)w.form.requestSubmit();else w.form.submit()}}).catch(function(){})}
d.querySelectorAll("input[data-phone-check]").forEach(function(p){var live=d.getElementById(p.getAttribute("data-phone-check")||"");if(!live)return;
var sel=p.form&&p.form.querySelector("select[name=country_code]");
var check=function(done){var v=p.value.replace(/[\\s().-]/g,""),o=sel&&sel.selectedOptions[0],cc=o?(o.getAttribute("data-cc")||""):"";
var max=Math.min(14,15-cc.length),msg="";if(v!==""){if(/\\D/.test(v))msg=live.getAttribute("data-digits")||"";else if(v.length>max||(done&&v.length<4))msg=live.getAttribute("data-length")||""}
if(live.textContent!==msg)live.textContent=msg;if(msg)p.setAttribute("aria-invalid","true");else p.removeAttribute("aria-invalid")};
p.addEventListener("input",function(){check(false)});p.addEventListener("blur",function(){check(true)});if(sel)sel.addEventListener("change",function(){check(p.value!=="")})})})();`;

export const ENHANCE_SCRIPT_HASH = cspHash(ENHANCE_SCRIPT);
