import { describe, expect, it } from 'vitest';
import { ConfigError, LOG_STREAMS_DEFAULTS, loadConfig } from '../../src/config/load.js';

describe('log stream configuration', () => {
  it('defaults: https sinks only, suspended after 24 h of failure', () => {
    expect(loadConfig({}, '/srv').logStreams).toEqual({ allowHttp: false, suspendAfterMs: 24 * 3_600_000 });
    expect(LOG_STREAMS_DEFAULTS).toEqual({ allowHttp: false, suspendAfterMs: 24 * 3_600_000 });
  });
  it('reads GUARDLINE_LOG_STREAMS_ALLOW_HTTP and GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS', () => {
    expect(loadConfig({ GUARDLINE_LOG_STREAMS_ALLOW_HTTP: 'true', GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS: '168' }, '/srv').logStreams).toEqual({ allowHttp: true, suspendAfterMs: 168 * 3_600_000 });
  });
  it('refuses other values', () => {
    expect(() => loadConfig({ GUARDLINE_LOG_STREAMS_ALLOW_HTTP: 'yes' }, '/srv')).toThrow(ConfigError);
    expect(() => loadConfig({ GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS: '0' }, '/srv')).toThrow(/GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS: "0" must be an integer from 1 to 720/);
    expect(() => loadConfig({ GUARDLINE_LOG_STREAMS_SUSPEND_AFTER_HOURS: '1.5' }, '/srv')).toThrow(ConfigError);
  });
});
