/*
 * jetform core client benchmark: the libnats (NATS C client) driver.
 *
 *   bench-libnats pubsub --url nats://127.0.0.1:4222 --size 1024 --count 500000
 *   bench-libnats reqrep --url nats://127.0.0.1:4222 --size 16 --count 20000
 *
 * pubsub: a subscriber on its own connection counts messages in its callback; a second connection
 *         publishes --count messages of --size bytes as fast as it can. Timed from the first
 *         publish until the subscriber has received all of them.
 * reqrep: a responder on its own connection answers every request; the requester on a second
 *         connection sends --count requests one at a time, each waiting for its reply.
 *
 * Prints one JSON line. Any loss (slow consumer in the library or a disconnect by the server)
 * is an error: the line then carries "error" and the exit status is 1.
 */
#include <nats/nats.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_MSGS 1000
#define WARMUP_REQS 100

typedef struct {
    const char *mode;
    const char *url;
    int size;
    long count;
    double timeout_s;
} config;

/* Shared between the subscriber's delivery thread and the main thread. */
typedef struct {
    atomic_long received;
    long target; /* signal `done` once received reaches this; guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t done;
    atomic_int slow_consumer;  /* messages dropped inside libnats */
    atomic_int disconnected;   /* e.g. the server closed us as a slow consumer */
    atomic_int closing;        /* set before we close connections ourselves */
} counter;

static counter ctr = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_error(const config *c, const char *what, natsStatus s, long received) {
    printf("{\"client\":\"libnats\",\"mode\":\"%s\",\"size\":%d,\"count\":%ld,\"received\":%ld,"
           "\"error\":\"%s: %s\"}\n",
           c->mode, c->size, c->count, received, what, natsStatus_GetText(s));
    fflush(stdout);
}

/* Wakes wait_for() early: after a loss the count can never be reached. */
static void wake_waiter(void) {
    pthread_mutex_lock(&ctr.mu);
    pthread_cond_broadcast(&ctr.done);
    pthread_mutex_unlock(&ctr.mu);
}

static void on_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *closure) {
    (void)nc; (void)sub; (void)closure;
    if (err == NATS_SLOW_CONSUMER && !atomic_exchange(&ctr.slow_consumer, 1)) {
        fprintf(stderr, "libnats async error: %s\n", natsStatus_GetText(err));
        wake_waiter();
    }
}

static void on_disconnected(natsConnection *nc, void *closure) {
    (void)nc; (void)closure;
    if (atomic_load(&ctr.closing)) return;
    atomic_store(&ctr.disconnected, 1);
    fprintf(stderr, "libnats: disconnected\n");
    wake_waiter();
}

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure) {
    (void)nc; (void)sub; (void)closure;
    long n = atomic_fetch_add(&ctr.received, 1) + 1;
    natsMsg_Destroy(msg);
    if (n == ctr.target) {
        pthread_mutex_lock(&ctr.mu);
        pthread_cond_broadcast(&ctr.done);
        pthread_mutex_unlock(&ctr.mu);
    }
}

/* Waits until `target` messages have arrived or the deadline passes; returns what arrived. */
static long wait_for(long target, double timeout_s) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)timeout_s;
    pthread_mutex_lock(&ctr.mu);
    while (atomic_load(&ctr.received) < target && !atomic_load(&ctr.disconnected) &&
           !atomic_load(&ctr.slow_consumer)) {
        if (pthread_cond_timedwait(&ctr.done, &ctr.mu, &deadline) != 0) break;
    }
    pthread_mutex_unlock(&ctr.mu);
    return atomic_load(&ctr.received);
}

static void set_target(long target) {
    pthread_mutex_lock(&ctr.mu);
    ctr.target = target;
    pthread_mutex_unlock(&ctr.mu);
}

/*
 * send_asap: write each publish from the calling thread instead of leaving it to libnats' flusher
 * thread. The flusher batches, which is what pubsub throughput wants, but it adds about a millisecond
 * per hop, which dominates a one-at-a-time request/reply; reqrep therefore sets it on both sides.
 */
static natsStatus connect_to(natsConnection **nc, const char *url, const char *name, bool send_asap) {
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK) s = natsOptions_SetURL(opts, url);
    if (s == NATS_OK) s = natsOptions_SetName(opts, name);
    /* A benchmark must not paper over a lost connection with a silent reconnect. */
    if (s == NATS_OK) s = natsOptions_SetAllowReconnect(opts, false);
    if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, send_asap);
    if (s == NATS_OK) s = natsOptions_SetErrorHandler(opts, on_error, NULL);
    if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, on_disconnected, NULL);
    if (s == NATS_OK) s = natsConnection_Connect(nc, opts);
    natsOptions_Destroy(opts);
    return s;
}

static int run_pubsub(const config *c) {
    natsConnection *subc = NULL, *pubc = NULL;
    natsSubscription *sub = NULL;
    char subject[64];
    snprintf(subject, sizeof subject, "bench.libnats.%d.pubsub", (int)getpid());
    char *payload = malloc((size_t)c->size > 0 ? (size_t)c->size : 1);
    memset(payload, 'x', (size_t)c->size);

    natsStatus s = connect_to(&subc, c->url, "bench-libnats-sub", false);
    if (s == NATS_OK) s = connect_to(&pubc, c->url, "bench-libnats-pub", false);
    if (s == NATS_OK) s = natsConnection_Subscribe(&sub, subc, subject, on_msg, NULL);
    if (s == NATS_OK) {
        /* Room for every message of the run: the subscriber must not drop anything. */
        long total = c->count + WARMUP_MSGS;
        long long bytes = (long long)total * (c->size + 128);
        s = natsSubscription_SetPendingLimits(sub, total > INT_MAX ? INT_MAX : (int)total,
                                              bytes > INT_MAX ? INT_MAX : (int)bytes);
    }
    /* The SUB must be registered at the server before anything is published. */
    if (s == NATS_OK) s = natsConnection_Flush(subc);
    if (s != NATS_OK) { print_error(c, "setup", s, 0); return 1; }

    set_target(WARMUP_MSGS);
    for (int i = 0; i < WARMUP_MSGS && s == NATS_OK; i++)
        s = natsConnection_Publish(pubc, subject, payload, c->size);
    if (s == NATS_OK) s = natsConnection_Flush(pubc);
    if (s != NATS_OK || wait_for(WARMUP_MSGS, c->timeout_s) < WARMUP_MSGS) {
        print_error(c, "warm-up", s, atomic_load(&ctr.received));
        return 1;
    }

    atomic_store(&ctr.received, 0);
    set_target(c->count);
    double t0 = now_s();
    for (long i = 0; i < c->count && s == NATS_OK; i++)
        s = natsConnection_Publish(pubc, subject, payload, c->size);
    if (s == NATS_OK) s = natsConnection_Flush(pubc);
    long received = wait_for(c->count, c->timeout_s);
    double secs = now_s() - t0;

    int failed = 0;
    if (s != NATS_OK) { print_error(c, "publish", s, received); failed = 1; }
    else if (atomic_load(&ctr.slow_consumer)) { print_error(c, "slow consumer (library dropped messages)", NATS_SLOW_CONSUMER, received); failed = 1; }
    else if (atomic_load(&ctr.disconnected)) { print_error(c, "disconnected (server-side slow consumer?)", NATS_CONNECTION_CLOSED, received); failed = 1; }
    else if (received < c->count) { print_error(c, "timed out waiting for the subscriber", NATS_TIMEOUT, received); failed = 1; }
    else {
        printf("{\"client\":\"libnats\",\"mode\":\"pubsub\",\"size\":%d,\"count\":%ld,\"seconds\":%.6f,"
               "\"msgs_per_sec\":%.1f,\"received\":%ld}\n",
               c->size, c->count, secs, (double)c->count / secs, received);
    }
    atomic_store(&ctr.closing, 1);
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(pubc);
    natsConnection_Destroy(subc);
    free(payload);
    return failed;
}

static void on_request(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure) {
    (void)sub; (void)closure;
    const char *reply = natsMsg_GetReply(msg);
    if (reply != NULL)
        natsConnection_Publish(nc, reply, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
}

static int run_reqrep(const config *c) {
    natsConnection *respc = NULL, *reqc = NULL;
    natsSubscription *sub = NULL;
    char subject[64];
    snprintf(subject, sizeof subject, "bench.libnats.%d.rpc", (int)getpid());
    char *payload = malloc((size_t)c->size > 0 ? (size_t)c->size : 1);
    memset(payload, 'x', (size_t)c->size);
    const int64_t timeout_ms = 5000;

    natsStatus s = connect_to(&respc, c->url, "bench-libnats-responder", true);
    if (s == NATS_OK) s = connect_to(&reqc, c->url, "bench-libnats-requester", true);
    if (s == NATS_OK) s = natsConnection_Subscribe(&sub, respc, subject, on_request, NULL);
    if (s == NATS_OK) s = natsConnection_Flush(respc);
    if (s != NATS_OK) { print_error(c, "setup", s, 0); return 1; }

    natsMsg *reply = NULL;
    for (int i = 0; i < WARMUP_REQS && s == NATS_OK; i++) {
        s = natsConnection_Request(&reply, reqc, subject, payload, c->size, timeout_ms);
        natsMsg_Destroy(reply); reply = NULL;
    }
    if (s != NATS_OK) { print_error(c, "warm-up", s, 0); return 1; }

    long done = 0;
    double t0 = now_s();
    for (; done < c->count; done++) {
        s = natsConnection_Request(&reply, reqc, subject, payload, c->size, timeout_ms);
        if (s != NATS_OK) break;
        natsMsg_Destroy(reply); reply = NULL;
    }
    double secs = now_s() - t0;

    int failed = 0;
    if (s != NATS_OK) { print_error(c, "request", s, done); failed = 1; }
    else {
        printf("{\"client\":\"libnats\",\"mode\":\"reqrep\",\"size\":%d,\"count\":%ld,\"seconds\":%.6f,"
               "\"round_trips_per_sec\":%.1f,\"received\":%ld}\n",
               c->size, c->count, secs, (double)c->count / secs, done);
    }
    atomic_store(&ctr.closing, 1);
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(reqc);
    natsConnection_Destroy(respc);
    free(payload);
    return failed;
}

static void usage(void) {
    fprintf(stderr,
            "usage: bench-libnats pubsub|reqrep [--url URL] [--size BYTES] [--count N] [--timeout SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    config c = { .mode = argv[1], .url = "nats://127.0.0.1:4222", .size = -1, .count = -1, .timeout_s = 120 };
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) usage();
        if (strcmp(argv[i], "--url") == 0) c.url = argv[++i];
        else if (strcmp(argv[i], "--size") == 0) c.size = atoi(argv[++i]);
        else if (strcmp(argv[i], "--count") == 0) c.count = atol(argv[++i]);
        else if (strcmp(argv[i], "--timeout") == 0) c.timeout_s = atof(argv[++i]);
        else usage();
    }
    int pubsub = strcmp(c.mode, "pubsub") == 0, reqrep = strcmp(c.mode, "reqrep") == 0;
    if (!pubsub && !reqrep) usage();
    if (c.size < 0) c.size = pubsub ? 1024 : 16;
    if (c.count <= 0) c.count = pubsub ? 100000 : 10000;

    int rc = pubsub ? run_pubsub(&c) : run_reqrep(&c);
    nats_Close();
    return rc;
}
