// The read-back judged: after a provisioning run, the server returns what
// JD Cloud reports (GET runs/{id}/verification, the outputs of the step-6
// describe calls). A run whose calls all succeeded has built the cloud
// side; traffic flows only once the BGP sessions are up, which needs the
// customer router. This module turns the raw outputs into that verdict.
// Pure functions: the e2e helper test imports them.

const up = (v) => /^(up|established)$/i.test(String(v || ''));
const active = (v) => /^(active|available|up|normal)$/i.test(String(v || ''));

/**
 * judgeReadBack reads the verification's readBack ({callId: {key: value}})
 * and returns {verdict, headline, items}: verdict "ready" when every
 * session JD Cloud reports is up, "attention" when the cloud side exists
 * but a session or connection is not up, "unknown" when nothing was read
 * back. items: [{call, what, state, ok}] for the table.
 */
export function judgeReadBack(readBack) {
  const items = [];
  for (const [call, out] of Object.entries(readBack || {}).sort(([a], [b]) => a.localeCompare(b))) {
    const o = out || {};
    if (call === 'readback/bgw') {
      items.push({ call, what: `border gateway ${o.name || ''}`.trim(), state: 'exists', ok: true });
    } else if (call === 'readback/connection') {
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('.status')) items.push({ call, what: `physical connection ${k.slice(0, -'.status'.length)}`, state: v, ok: active(v) });
      }
      if (o.count === '0') items.push({ call, what: 'physical connection', state: 'not found', ok: false });
    } else if (call.startsWith('readback/pvif/')) {
      const name = call.slice('readback/pvif/'.length);
      if (o.status !== undefined) items.push({ call, what: `private virtual interface ${name}`, state: o.status, ok: active(o.status) });
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('.bgpStatus')) items.push({ call, what: `Direct Connection BGP ${name} (${k.split('.')[0]})`, state: v, ok: up(v), session: true });
      }
    } else if (call === 'readback/vpn') {
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('.opStatus')) items.push({ call, what: `VPN tunnel ${k.slice(0, -'.opStatus'.length)}`, state: v, ok: up(v), session: true });
      }
    } else {
      items.push({ call, what: call, state: Object.entries(o).map(([k, v]) => `${k}=${v}`).join(' '), ok: true });
    }
  }
  if (!items.length) {
    return { verdict: 'unknown', headline: 'Nothing was read back from JD Cloud for this run.', items };
  }
  const bad = items.filter((i) => !i.ok);
  if (!bad.length) {
    return { verdict: 'ready', headline: 'Ready: JD Cloud reports every connection active and every BGP session and tunnel up.', items };
  }
  const dcDown = bad.filter((i) => i.session && i.what.startsWith('Direct Connection'));
  const vpnDown = bad.filter((i) => i.session && i.what.startsWith('VPN'));
  const other = bad.filter((i) => !i.session);
  const parts = [];
  const states = (list) => [...new Set(list.map((i) => i.state || 'unknown'))].join('/');
  if (dcDown.length) parts.push(`Direct Connection BGP ${states(dcDown)} (${dcDown.length} session${dcDown.length === 1 ? '' : 's'})`);
  if (vpnDown.length) parts.push(`${vpnDown.length === 1 ? 'a VPN tunnel is' : `${vpnDown.length} VPN tunnels are`} ${states(vpnDown)}`);
  if (other.length) parts.push(other.map((i) => `${i.what} is ${i.state}`).join(', '));
  const advice = dcDown.length || vpnDown.length
    ? 'configure the customer router (Export… → customer router configuration) and check again'
    : 'check the resources in the JD Cloud console and check again';
  return { verdict: 'attention', headline: `Cloud side built, not yet carrying traffic: ${parts.join('; ')}. Next: ${advice}.`, items };
}
