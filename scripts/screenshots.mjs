// Screenshots of the integration in the scripts/develop instance, for the README.
// Usage: node scripts/screenshots.mjs URL USER PASSWORD DEVICE_ID OUT_DIR \
//          [EVENT_ENTITY] [STATUS_ENTITY]
//   DEVICE_ID      the service device (step 3)
//   EVENT_ENTITY   the two-way number's event entity (step 5); default
//                  event.toll_free_number_18885550100_received_message
//   STATUS_ENTITY  a recipient's Last delivery status sensor (step 6); default
//                  sensor.alice_last_delivery_status
// Needs playwright-core (npm) and Debian's chromium. Node resolves the import
// from the script's own directory (NODE_PATH does not apply to ES modules), so
// with playwright-core installed outside the repo, run a copy placed next to
// its node_modules:
//   (mkdir -p /tmp/shots && cd /tmp/shots && npm install playwright-core)
//   cp scripts/screenshots.mjs /tmp/shots/ && node /tmp/shots/screenshots.mjs ...
//
// Steps 1-4 need the entry with the emulator's credentials. Steps 5 and 6 also
// need, in this order: the options' Configuration set (home-alerts) and Event
// queue URL (the one scripts/develop prints); the recipient "Alice"
// (+15555550123, "Add recipient" on the integration's page); a message to her
// (notify.send_message on notify.alice, so her notifier shows when); and her
// reply to the two-way number:
//   curl -X POST http://127.0.0.1:4566/_emulator/inbound \
//     -d '{"from":"+15555550123","to":"+18885550100","body":"STATUS"}'
// Without the message and the reply, steps 5 and 6 are skipped (exit code 1).
import { chromium } from "playwright-core";

const [
  url, user, password, deviceId, out,
  eventEntity = "event.toll_free_number_18885550100_received_message",
  statusEntity = "sensor.alice_last_delivery_status",
] = process.argv.slice(2);
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

// The device of an entity, and its state, as the frontend knows them.
const lookUp = (entityId) =>
  page.evaluate((id) => {
    const { hass } = document.querySelector("home-assistant");
    return { deviceId: hass.entities[id]?.device_id, state: hass.states[id]?.state };
  }, entityId);

// Open an entity's more-info dialog from its device page, then its Details
// view (state and attributes), as a user does: click the row, then Menu →
// Details. The dialog is rendered after the page, so its Menu button is last.
async function openDetails(entityId) {
  const { deviceId: device } = await lookUp(entityId);
  await page.goto(`${url}/config/devices/device/${device}`);
  await settle(3000);
  const name = await page.evaluate(
    (id) => document.querySelector("home-assistant").hass.entities[id].name,
    entityId,
  );
  await page.getByText(name, { exact: true }).first().click();
  await settle(2500);
  await page.getByRole("button", { name: "Menu" }).last().click();
  await settle(1000);
  await page.getByRole("menuitem", { name: "Details" }).click();
  await settle(2500);
  await page.mouse.move(0, 0);
}

const missing = [];
for (const entityId of [eventEntity, statusEntity]) {
  const { deviceId: device, state } = await lookUp(entityId);
  if (!device || ["unknown", "unavailable", undefined].includes(state)) {
    missing.push(`${entityId} (${state ?? "no such entity"})`);
  }
}
if (missing.length) {
  console.error(
    `Skipped steps 5 and 6: no message sent and replied to yet: ${missing.join(", ")}` +
      " (see this script's first comment)",
  );
  process.exitCode = 1;
} else {
  // 5. The two-way number's event entity after a reply: the last event's type
  // and its attributes (from, message, keyword, recipient).
  await openDetails(eventEntity);
  await page.screenshot({ path: `${out}/received-message.png` });
  await page.keyboard.press("Escape");
  await settle(1000);

  // 6. A recipient's device page (its Last delivery status and notifier), with
  // the sensor's Details below the cards. The dialog opens over the cards, so
  // it is moved down (and the backdrop lightened) to show both in one image;
  // the viewport grows to fit it, the width stays 1280.
  await page.setViewportSize({ width: 1280, height: 1600 });
  await openDetails(statusEntity);
  const height = await page.evaluate(() => {
    const deep = (root, selector) =>
      [root, ...root.querySelectorAll("*")].flatMap((el) => {
        const inner = el.shadowRoot ? deep(el.shadowRoot, selector) : [];
        return [...(el !== root && el.matches(selector) ? [el] : []), ...inner];
      });
    const app = document.querySelector("home-assistant").shadowRoot;
    const cardsBottom = Math.max(
      ...deep(app.querySelector("home-assistant-main"), "ha-card").map(
        (card) => card.getBoundingClientRect().bottom,
      ),
    );
    const [dialog] = deep(app.querySelector("ha-more-info-dialog").shadowRoot, "wa-dialog");
    const box = dialog.shadowRoot.querySelector("dialog");
    const { top, height: dialogHeight } = box.getBoundingClientRect();
    const shift = Math.ceil(cardsBottom + 24 - top);
    box.style.setProperty("translate", `0 ${shift}px`, "important");
    dialog.style.setProperty("--ha-dialog-scrim-backdrop-filter", "brightness(92%)");
    return Math.ceil(cardsBottom + 24 + dialogHeight + 32);
  });
  await page.setViewportSize({ width: 1280, height });
  await settle(1500);
  await page.screenshot({ path: `${out}/last-delivery-status.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
}

await browser.close();
