// Screenshots of the integration in the scripts/develop instance, for the README.
// Usage: node scripts/screenshots.mjs URL USER PASSWORD DEVICE_ID OUT_DIR
// Needs playwright-core (npm) and Debian's chromium.
import { chromium } from "playwright-core";

const [url, user, password, deviceId, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const settle = (ms = 2500) => page.waitForTimeout(ms);

await page.goto(url);
await page.getByRole("textbox", { name: "Username" }).fill(user);
await page.getByRole("textbox", { name: "Password" }).fill(password);
await page.keyboard.press("Enter");
await page.waitForURL(/lovelace|home|config/, { timeout: 30000 });
await settle();
// A first start with http: in YAML asks to confirm the server settings.
const confirmHttp = page.getByRole("button", { name: "Confirm" });
if (await confirmHttp.count()) {
  await confirmHttp.first().click();
  await settle();
}

// 1. The config flow: the menu of authentication methods, then the
// access-key form.
await page.goto(`${url}/config/integrations/dashboard/add?domain=aws_eum_x`);
await settle(3000);
await page.getByRole("button", { name: "OK" }).click();
await settle(3000);
await page.mouse.move(0, 0); // no hover highlight on a menu item
await page.screenshot({ path: `${out}/config-flow-menu.png` });
await page.getByText("With an access key", { exact: true }).click();
await settle(3000);
await page.screenshot({ path: `${out}/config-flow.png` });
await page.keyboard.press("Escape");
await settle(1000);

// 2. The options form.
await page.goto(`${url}/config/integrations/integration/aws_eum_x`);
await settle(3000);
await page.getByRole("button", { name: /configure/i }).first().click();
await settle(3000);
await page.screenshot({ path: `${out}/options-flow.png` });

// 3. The service device page with its sensors.
await page.goto(`${url}/config/devices/device/${deviceId}`);
await settle(3000);
await page.screenshot({ path: `${out}/service-device.png`, fullPage: true });

// 4. The action in Developer tools.
await page.goto(`${url}/developer-tools/action`);
await settle(3000);
await page.getByText("Action", { exact: true }).first().click();
await settle(1000);
await page.keyboard.type("Send SMS");
await settle(1500);
await page.getByText("Send SMS", { exact: true }).first().click();
await settle(2500);
await page.screenshot({ path: `${out}/developer-tools-action.png`, fullPage: true });

await browser.close();
