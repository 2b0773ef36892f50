// JetStream benchmark driver on libnats (see bench/jetstream/run.sh).
//
//   bench publish --urls URLS --subject SUBJ --count N --size B --inflight K   (js_PublishAsync)
//   bench consume --urls URLS --stream S --consumer C --count N --batch B      (pull fetch + ack)
//
// Prints one JSON line like the other drivers.
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile long failures = 0;
static void onPubErr(jsCtx *js, jsPubAckErr *pae, void *closure) {
    (void)js; (void)closure; (void)pae;
    failures++;
}

static void die(const char *what, natsStatus s) {
    printf("{\"client\":\"libnats\",\"error\":\"%s: %s\"}\n", what, natsStatus_GetText(s));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: bench publish|consume --urls URLS ...\n"); return 2; }
    const char *mode = argv[1], *urls = "nats://127.0.0.1:4222", *stream = "BENCH", *consumer = "bench", *subject = "bench.js";
    long count = 100000, size = 128, inflight = 4096, batch = 500;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--urls")) urls = argv[i + 1];
        else if (!strcmp(argv[i], "--stream")) stream = argv[i + 1];
        else if (!strcmp(argv[i], "--consumer")) consumer = argv[i + 1];
        else if (!strcmp(argv[i], "--subject")) subject = argv[i + 1];
        else if (!strcmp(argv[i], "--count")) count = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--inflight")) inflight = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atol(argv[i + 1]);
    }
    natsOptions *opts; natsConnection *nc; jsCtx *js; jsOptions jo; natsStatus s;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, urls);
    natsOptions_SetUserInfo(opts, "user", "user");
    natsOptions_SetNoRandomize(opts, true);
    natsOptions_SetAllowReconnect(opts, false);
    if ((s = natsConnection_Connect(&nc, opts)) != NATS_OK) die("connect", s);
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = inflight;
    jo.PublishAsync.ErrHandler = onPubErr;
    jo.PublishAsync.StallWait = 60000;  // default 200 ms: a full window would fail the publish instead of waiting
    if ((s = natsConnection_JetStream(&js, nc, &jo)) != NATS_OK) die("jetstream", s);
    char *payload = malloc(size);
    memset(payload, 'x', size);
    if (!strcmp(mode, "publish")) {
        double start = now();
        for (long i = 0; i < count; i++) {
            if ((s = js_PublishAsync(js, subject, payload, (int)size, NULL)) != NATS_OK) die("publish", s);
        }
        jsPubOptions po; jsPubOptions_Init(&po); po.MaxWait = 60000;
        if ((s = js_PublishAsyncComplete(js, &po)) != NATS_OK) die("complete", s);
        double secs = now() - start;
        if (failures) { printf("{\"client\":\"libnats\",\"error\":\"%ld publishes failed\"}\n", failures); return 1; }
        printf("{\"client\":\"libnats\",\"mode\":\"publish\",\"count\":%ld,\"seconds\":%f,\"msgs_per_sec\":%f}\n", count, secs, count / secs);
    } else if (!strcmp(mode, "consume")) {
        jsSubOptions so; jsSubOptions_Init(&so);
        so.Stream = stream; so.Consumer = consumer;
        natsSubscription *sub; jsErrCode jerr;
        if ((s = js_PullSubscribe(&sub, js, subject, consumer, NULL, &so, &jerr)) != NATS_OK) die("pull subscribe", s);
        long received = 0;
        double start = now();
        while (received < count) {
            natsMsgList list;
            long want = count - received < batch ? count - received : batch;
            s = natsSubscription_Fetch(&list, sub, (int)want, 5000, &jerr);
            if (s != NATS_OK && s != NATS_TIMEOUT) die("fetch", s);
            for (int i = 0; i < list.Count; i++) {
                received++;
                if (received == count) natsMsg_AckSync(list.Msgs[i], NULL, &jerr);
                else natsMsg_Ack(list.Msgs[i], NULL);
            }
            natsMsgList_Destroy(&list);
            if (s == NATS_TIMEOUT) die("fetch timed out", s);
        }
        double secs = now() - start;
        printf("{\"client\":\"libnats\",\"mode\":\"consume\",\"count\":%ld,\"seconds\":%f,\"msgs_per_sec\":%f}\n", count, secs, count / secs);
        natsSubscription_Destroy(sub);
    }
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(opts);
    return 0;
}
