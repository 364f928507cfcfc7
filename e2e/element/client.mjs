// An Element-like Matrix client for Engelbot's end-to-end tests: Element's own
// SDK (matrix-js-sdk) with its Rust crypto, driven one request at a time over
// stdin/stdout so a Go test can check that what Engelbot encrypts is what
// Element users really decrypt, and what Element shows about the sender.
//
// Protocol: each line on stdin is one JSON request {"id": n, "op": "...", ...};
// each answer is one JSON line on stdout {"id": n, "ok": true, ...} or
// {"id": n, "ok": false, "error": "..."}. Requests run in order. The SDK's
// own logging goes to stderr (warnings and errors only unless
// ELEMENT_CLIENT_DEBUG=1), so stdout carries nothing but answers.
//
// Operations:
//   login     {homeserver, user, password}  -> {user_id, device_id}
//             logs in with a password, starts the Rust crypto (in memory: no
//             IndexedDB in Node) and waits for the first sync.
//   bootstrap {}                            -> {cross_signing_ready}
//             sets up cross-signing for the account and signs this device.
//   direct    {user}                        -> {room_id}
//             creates an encrypted direct chat with user as Element does:
//             trusted_private_chat preset, is_direct, m.room.encryption in
//             the initial state, the room added to m.direct; answers once
//             the invitee's membership is in the sync, so that a message
//             sent next is encrypted for them.
//   join      {room}                        -> {room_id}
//             waits for the invite, joins, and records a direct chat in
//             m.direct when the invite says is_direct, as Element does.
//   send      {room, text}                  -> {event_id}
//   await     {room, from, contains?}       -> {message}
//             the next message from user `from` in the room not yet
//             returned (whose body contains `contains`, if given); a message
//             that still cannot be decrypted at the deadline is returned
//             with decrypted=false rather than a bare timeout.
//   stop      {}                            -> {} and the program exits.
// Every operation that waits takes timeout_ms (default 30000).
//
// A message is reported as:
//   {event_id, sender, sender_device, encrypted, decrypted, error, msgtype,
//    body, formatted_body,
//    shield: {colour: "none"|"grey"|"red", reason: "unsigned_device"|..., text},
//    device: {signed_by_owner, cross_signing_verified, locally_verified, verified}}
// shield is what Element draws beside the message (getEncryptionInfoForEvent);
// its text is Element's wording for the reason, e.g. "Encrypted by a device
// not verified by its owner."

import { createInterface } from "node:readline";

// Answers own stdout: everything the SDK prints goes to stderr instead.
const writeAnswer = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const debug = process.env.ELEMENT_CLIENT_DEBUG === "1";
const toStderr = (...args) => console.error(...args);
console.log = debug ? toStderr : () => {};
console.info = debug ? toStderr : () => {};
console.debug = debug ? toStderr : () => {};
console.trace = debug ? toStderr : () => {};

// Imported after console is redirected, so nothing the SDK prints while
// loading can reach stdout.
const sdk = await import("matrix-js-sdk");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
const { EventShieldColour, EventShieldReason } = await import("matrix-js-sdk/lib/crypto-api/index.js");
logger.setLevel(debug ? "debug" : "warn");

const DEFAULT_TIMEOUT_MS = 30000;

// Element's wording for each shield reason (element-web's EventTile).
const SHIELD_TEXT = {
  [EventShieldReason.UNKNOWN]: "Unknown error",
  [EventShieldReason.UNVERIFIED_IDENTITY]: "Encrypted by an unverified user.",
  [EventShieldReason.UNSIGNED_DEVICE]: "Encrypted by a device not verified by its owner.",
  [EventShieldReason.UNKNOWN_DEVICE]: "Encrypted by an unknown or deleted device.",
  [EventShieldReason.AUTHENTICITY_NOT_GUARANTEED]:
    "The authenticity of this encrypted message can't be guaranteed on this device.",
  [EventShieldReason.MISMATCHED_SENDER_KEY]: "Encrypted by an unverified session",
  [EventShieldReason.SENT_IN_CLEAR]: "Not encrypted.",
  [EventShieldReason.VERIFICATION_VIOLATION]: "Sender's verified identity was reset",
};

let client = null;
let password = null; // kept only for cross-signing's user-interactive auth
const returned = new Set(); // event IDs already answered by await

// changed resolves the next time the client's state moves on (a sync, a
// timeline event, a decryption), so waits re-check a condition instead of
// sleeping.
let wake = null;
function changed() {
  if (!wake) {
    let resolve;
    const p = new Promise((r) => (resolve = r));
    wake = { p, resolve };
  }
  return wake.p;
}
function notify() {
  if (wake) {
    const w = wake;
    wake = null;
    w.resolve();
  }
}

// waitFor re-evaluates check (async, returning a value or undefined) on every
// change until it yields a value, or throws what timeoutError gives at the
// deadline.
async function waitFor(check, timeoutMs, timeoutError) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const next = changed(); // armed before checking, so no change is missed
    const v = await check();
    if (v !== undefined) return v;
    const left = deadline - Date.now();
    if (left <= 0) throw timeoutError();
    let timer;
    const timedOut = new Promise((r) => (timer = setTimeout(r, left)));
    await Promise.race([next, timedOut]);
    clearTimeout(timer);
  }
}

async function login({ homeserver, user, password: pw }) {
  if (client) throw new Error("already logged in");
  const anon = sdk.createClient({ baseUrl: homeserver });
  const resp = await anon.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user },
    password: pw,
    initial_device_display_name: "Element-like test client",
  });
  password = pw;
  client = sdk.createClient({
    baseUrl: homeserver,
    userId: resp.user_id,
    accessToken: resp.access_token,
    deviceId: resp.device_id,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  for (const name of [sdk.ClientEvent.Sync, sdk.RoomEvent.Timeline, sdk.RoomEvent.MyMembership, sdk.MatrixEventEvent.Decrypted]) {
    client.on(name, notify);
  }
  const prepared = new Promise((resolve, reject) => {
    client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
      if (state === sdk.SyncState.Prepared || state === sdk.SyncState.Syncing) resolve();
      if (state === sdk.SyncState.Error && !client.isInitialSyncComplete()) reject(data?.error ?? new Error("first sync failed"));
    });
  });
  await client.startClient({ initialSyncLimit: 20 });
  await prepared;
  return { user_id: resp.user_id, device_id: resp.device_id };
}

async function bootstrap() {
  const crypto = needClient().getCrypto();
  await crypto.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: client.getUserId() },
        password,
      });
    },
  });
  return { cross_signing_ready: await crypto.isCrossSigningReady() };
}

async function direct({ user, timeout_ms }) {
  const cli = needClient();
  const { room_id } = await cli.createRoom({
    preset: sdk.Preset.TrustedPrivateChat,
    visibility: sdk.Visibility.Private,
    is_direct: true,
    invite: [user],
    initial_state: [
      { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
    ],
  });
  await addDirect(user, room_id);
  await joinedRoom(room_id, timeout_ms);
  // The homeserver sends the invite after the room's first events, so the
  // sync can show the room joined and encrypted before the invitee is in it;
  // a message sent then is encrypted for nobody else. Element waits for the
  // invitee's membership (createRoom's waitForMember) before going on.
  await waitFor(
    async () => (cli.getRoom(room_id)?.getMember(user) ? true : undefined),
    timeout_ms ?? DEFAULT_TIMEOUT_MS,
    () => new Error(`${user} is not a member of ${room_id} in the sync`),
  );
  return { room_id };
}

async function join({ room, timeout_ms }) {
  const cli = needClient();
  const me = cli.getUserId();
  const invite = await waitFor(
    async () => {
      const r = cli.getRoom(room);
      const m = r?.currentState.getMember(me);
      if (m?.membership === "invite" || m?.membership === "join") return m.events.member;
      return undefined;
    },
    timeout_ms ?? DEFAULT_TIMEOUT_MS,
    () => new Error(`no invite to ${room} arrived`),
  );
  await cli.joinRoom(room);
  if (invite?.getContent().is_direct) {
    await addDirect(invite.getSender(), room);
  }
  await joinedRoom(room, timeout_ms);
  return { room_id: room };
}

// addDirect records room as a direct chat with user in m.direct, keeping
// the rooms already there, as Element's setDMRoom does.
async function addDirect(user, room) {
  const cli = needClient();
  const current = cli.getAccountData(sdk.EventType.Direct)?.getContent() ?? {};
  const rooms = current[user] ?? [];
  if (rooms.includes(room)) return;
  await cli.setAccountData(sdk.EventType.Direct, { ...current, [user]: [...rooms, room] });
}

// joinedRoom waits until the sync shows the room joined with its encryption
// state, so that a message sent next is encrypted as Element would encrypt it.
async function joinedRoom(room, timeoutMs) {
  const cli = needClient();
  return waitFor(
    async () => {
      const r = cli.getRoom(room);
      if (r?.getMyMembership() === "join" && r.hasEncryptionStateEvent()) return r;
      return undefined;
    },
    timeoutMs ?? DEFAULT_TIMEOUT_MS,
    () => new Error(`room ${room} is not joined and encrypted in the sync`),
  );
}

async function send({ room, text, timeout_ms }) {
  const cli = needClient();
  await joinedRoom(room, timeout_ms);
  const { event_id } = await cli.sendTextMessage(room, text);
  return { event_id };
}

async function awaitMessage({ room, from, contains, timeout_ms }) {
  const cli = needClient();
  const timeoutMs = timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const candidates = () =>
    (cli.getRoom(room)?.getLiveTimeline().getEvents() ?? []).filter(
      (ev) => ev.getSender() === from && !returned.has(ev.getId()) && (ev.isEncrypted() || ev.getType() === "m.room.message"),
    );
  const isMatch = (ev) =>
    !ev.isBeingDecrypted() &&
    !ev.isDecryptionFailure() &&
    ev.getType() === "m.room.message" &&
    (!contains || String(ev.getContent().body ?? "").includes(contains));
  let ev;
  try {
    ev = await waitFor(async () => candidates().find(isMatch), timeoutMs, () => new Error("timeout"));
  } catch (err) {
    if (err.message !== "timeout") throw err;
    // A message that never decrypted is an answer, not a timeout: it is
    // exactly what an Element user would see as "Unable to decrypt".
    ev = candidates().find((e) => e.isDecryptionFailure());
    if (!ev) throw new Error(`no message from ${from}${contains ? ` containing ${JSON.stringify(contains)}` : ""} in ${room} within ${timeoutMs} ms`);
  }
  returned.add(ev.getId());
  return { message: await describe(ev) };
}

async function describe(ev) {
  const cli = needClient();
  const crypto = cli.getCrypto();
  const sender = ev.getSender();
  const senderDevice = ev.isEncrypted() ? (ev.getWireContent().device_id ?? "") : "";
  const out = {
    event_id: ev.getId(),
    sender,
    sender_device: senderDevice,
    encrypted: ev.isEncrypted(),
    decrypted: ev.isEncrypted() && !ev.isDecryptionFailure(),
    error: ev.isDecryptionFailure() ? String(ev.decryptionFailureReason ?? ev.getContent().body ?? "") : "",
    msgtype: ev.getContent().msgtype ?? "",
    body: ev.isDecryptionFailure() ? "" : String(ev.getContent().body ?? ""),
    formatted_body: ev.isDecryptionFailure() ? "" : String(ev.getContent().formatted_body ?? ""),
    shield: null,
    device: null,
  };
  if (!ev.isEncrypted() || ev.isDecryptionFailure()) return out;
  // Element tracks the devices of everyone it shares a room with; make sure
  // this sender's keys are known before asking how trusted they are.
  await crypto.getUserDeviceInfo([sender], true);
  const info = await crypto.getEncryptionInfoForEvent(ev);
  if (info) {
    out.shield = {
      colour: shieldColourName(info.shieldColour),
      reason: info.shieldReason === null ? null : shieldReasonName(info.shieldReason),
      text: info.shieldReason === null ? "" : (SHIELD_TEXT[info.shieldReason] ?? ""),
    };
  }
  if (senderDevice) {
    const status = await crypto.getDeviceVerificationStatus(sender, senderDevice);
    if (status) {
      out.device = {
        signed_by_owner: status.signedByOwner,
        cross_signing_verified: status.crossSigningVerified,
        locally_verified: status.localVerified,
        verified: status.isVerified(),
      };
    }
  }
  return out;
}

function shieldColourName(c) {
  switch (c) {
    case EventShieldColour.NONE:
      return "none";
    case EventShieldColour.GREY:
      return "grey";
    case EventShieldColour.RED:
      return "red";
    default:
      return `unknown(${c})`;
  }
}

function shieldReasonName(r) {
  const name = EventShieldReason[r];
  return name ? name.toLowerCase() : `unknown(${r})`;
}

function needClient() {
  if (!client) throw new Error("not logged in");
  return client;
}

const OPS = { login, bootstrap, direct, join, send, await: awaitMessage };

async function stop() {
  if (client) client.stopClient();
  process.exit(0);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let req;
  try {
    req = JSON.parse(line);
  } catch (err) {
    writeAnswer({ id: null, ok: false, error: `bad request: ${err.message}` });
    continue;
  }
  if (req.op === "stop") {
    writeAnswer({ id: req.id, ok: true });
    await stop();
  }
  const op = OPS[req.op];
  if (!op) {
    writeAnswer({ id: req.id, ok: false, error: `unknown op ${JSON.stringify(req.op)}` });
    continue;
  }
  try {
    writeAnswer({ id: req.id, ok: true, ...(await op(req)) });
  } catch (err) {
    writeAnswer({ id: req.id, ok: false, error: String(err?.message ?? err) });
  }
}
// stdin closed: the test is gone.
await stop();
