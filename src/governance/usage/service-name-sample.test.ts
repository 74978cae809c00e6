import { describe, expect, it } from 'vitest';
import { describeServiceNames, serviceNameSample } from './service-name-sample.js';

describe('the service_name sample (README Known limits)', () => {
  it('reads two columns of system.ai_gateway.usage, newest rows that name a service', () => {
    expect(serviceNameSample().sql).toBe('SELECT service_name, endpoint_name FROM `system`.`ai_gateway`.`usage` WHERE service_name IS NOT NULL ORDER BY event_time DESC LIMIT 5');
  });

  it('says which form the names take and what endpoint_name holds', () => {
    expect(describeServiceNames([])).toMatch(/no row .* names a service yet/);
    expect(describeServiceNames([{ service_name: 'w.s.gw', endpoint_name: null }, { service_name: 'w.s.gw', endpoint_name: null }])).toBe('service_name holds as c.s.name: w.s.gw; endpoint_name on those rows: NULL');
    expect(describeServiceNames([{ service_name: 'model-services/w.s.gw', endpoint_name: 'gw' }])).toBe('service_name holds with the resource prefix (model-services/c.s.name): model-services/w.s.gw; endpoint_name on those rows: gw');
    expect(describeServiceNames([{ service_name: 'model-services/w.s.a', endpoint_name: 'a' }, { service_name: 'w.s.b', endpoint_name: null }])).toMatch(/^service_name holds in both forms: model-services\/w\.s\.a, w\.s\.b; endpoint_name on those rows: a, NULL$/);
  });
});
