/** Tells an ecsdeck simulator from a real (or other custom) ECS endpoint, before a gateway is created for it. */

/** True when `url` is an ecsdeck simulator (it answers GET /_sim/health): then dummy credentials will do. */
export async function isSimulatorEndpoint(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const response = await fetch(new URL('/_sim/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok && /simulator|ok/i.test(await response.text());
  } catch {
    return false;
  }
}
