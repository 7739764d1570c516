// Opens an LMO page the way a browser does with the extension's front-door URL: the front door's 302
// with its session cookie, then the page with that cookie. Used by the subscriber login tests.
import assert from 'node:assert/strict';
import { request } from 'node:http';

interface Answer {
  status: number;
  location?: string;
  cookie?: string;
  text: string;
}

function get(url: string, cookie?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          text,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page a front-door URL leads to, on the org at `instanceUrl`. */
export async function openThroughFrontDoor(
  frontDoorUrl: string,
  instanceUrl: string,
): Promise<{ status: number; text: string }> {
  const door = await get(frontDoorUrl);
  assert.equal(door.status, 302, door.text);
  const page = await get(new URL(door.location!, instanceUrl).href, door.cookie);
  return { status: page.status, text: page.text };
}
