/**
 * Every limit of the management protocol (docs/manager-protocol.txt), each with its reason.
 * The spec's numbers live here and nowhere else; tests and the spec's test vectors import them.
 */

/** The protocol name and version, in CAPA and in the MAC labels (spec §4.2, §4.5). */
export const PROTOCOL = 'popcheck-manager/1';

/**
 * Spec §3.4: the largest request datagram. The longest valid request (ADD with a 64-character name
 * and a 255-octet password) is about 440 octets, so nothing valid is refused, and nothing about a
 * request ever needs buffering.
 */
export const MAX_REQUEST_OCTETS = 512;

/**
 * Spec §3.4: the largest reply datagram. IPv6's minimum link MTU (1280) less 40 octets of IPv6
 * header, 8 of UDP header and 32 of margin for tunnels: never fragmented (QUIC's 1200, RFC 9000 §14).
 */
export const MAX_REPLY_OCTETS = 1200;

/** Spec §3.2: request ids are 1 to 32 characters (128 random bits in hex fill it exactly). */
export const MAX_ID_CHARS = 32;

/** Spec §3.2: seconds since the epoch; 12 digits last until the year 33658. */
export const MAX_TIMESTAMP_DIGITS = 12;

/** Spec §3.2: keywords are 1 to 8 letters (STATS is 5; room to grow, not to flood). */
export const MAX_KEYWORD_CHARS = 8;

/** HMAC-SHA256 in lower-case hex. */
export const MAC_HEX_CHARS = 64;

/**
 * Spec §4.3: requests more than this many seconds from the server's clock are stale. Long enough
 * for NTP-kept clocks and the client's retries (7 s in all); short enough that the replay cache
 * only has to remember an id for 120 s of wall-clock time.
 */
export const TIMESTAMP_WINDOW_SECONDS = 60;

/**
 * Spec §4.4: replay cache entries. 4096 requests in 120 s is 34/s, far above any operator's rate;
 * at 1200 octets per cached reply that is about 6 MB at most. Only authenticated requests enter it.
 */
export const REPLAY_CACHE_MAX_ENTRIES = 4096;

/** Spec §4.4: requests waiting their turn (they run one at a time); more get [BUSY]. */
export const MAX_QUEUED_REQUESTS = 64;

/**
 * Spec §4.7: unauthenticated replies per second, and bursts, per sender (address and port): enough
 * for a person with a wrong token file, far too little to be worth reflecting.
 */
export const UNAUTH_REPLIES_PER_SECOND = 20;
export const UNAUTH_REPLY_BURST = 20;

/** Spec §4.7: the same for all senders together, so forged senders cannot multiply the rate. */
export const UNAUTH_REPLIES_PER_SECOND_OVERALL = 100;
export const UNAUTH_REPLY_BURST_OVERALL = 100;

/** Spec §4.7: senders whose refusal rate is tracked; beyond this the least recent is forgotten. */
export const UNAUTH_TRACKED_SENDERS = 1024;

/** Spec §4.1: a token is at least 32 printable characters; generated ones are 32 random octets in hex. */
export const MIN_TOKEN_CHARS = 32;
export const GENERATED_TOKEN_OCTETS = 32;

/** Spec §5.3: user names are at most 64 characters (store/types.ts isSafeUserName). */
export const MAX_USER_CHARS = 64;

/** Spec §5.3: passwords are 1 to 255 octets, so that an ADD always fits in MAX_REQUEST_OCTETS. */
export const MAX_PASSWORD_OCTETS = 255;

/** Spec §6: the transform command is at most 255 octets (same reason). */
export const MAX_TRANSFORM_OCTETS = 255;

/**
 * Spec §6 idle-timeout: RFC 1939 §3 requires at least 10 minutes; the upper bound (a day) keeps the
 * timer far inside what setTimeout can express (2^31 - 1 ms, about 24.8 days).
 */
export const RFC_MIN_IDLE_TIMEOUT_SECONDS = 600;
export const MAX_IDLE_TIMEOUT_SECONDS = 86_400;

/** Spec §6 max-sessions: beyond a million, file-descriptor limits make the number meaningless. */
export const MAX_SESSIONS_LIMIT = 1_000_000;

/**
 * Spec §8.1: distinct POP3 verbs counted apart; more are counted as "other", so a bug elsewhere (a
 * verb made of client input) cannot grow the counters, the STATS listing or the Prometheus label set.
 */
export const MAX_TRACKED_VERBS = 32;

/** Spec §8.2: how often the metrics snapshot is saved while counters change; a crash loses at most this much. */
export const METRICS_SAVE_INTERVAL_MS = 5_000;

/** Spec §9 defaults: the seed's manager port, on loopback only. */
export const DEFAULT_MANAGER_HOST = '127.0.0.1';
export const DEFAULT_MANAGER_PORT = 9090;

/** Spec §8.3: 9464 is the port the OpenTelemetry Prometheus exporter made customary. */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * Spec §10: the client waits 1, 2 then 4 s for a reply, resending the same datagram: 7 s in all,
 * well inside the 60 s window, so every retry is still fresh when it arrives.
 */
export const CLIENT_TIMEOUTS_MS: readonly number[] = [1000, 2000, 4000];
