// Copies of cluster/server.conf and cluster/accounts.conf built into jetform, so that
// `jetform cluster up` works outside a checkout. ComposeFileTests checks that they match the files;
// after editing a file in cluster/, paste it here unchanged.

extension ClusterConfig {
    static let builtInServerConf = #"""
# One member of the local 3-node jetform JetStream cluster (servers inst-1, inst-2, inst-3).
#
# The same file serves every member, `jetform cluster up`, the LocalCluster test harness and
# docker-compose.yml: what differs per server comes from environment variables, which nats-server
# expands where a value is written as $NAME (a missing variable is a configuration error).
#
#   NATS_SERVER_NAME       inst-1 | inst-2 | inst-3
#   NATS_HOST              address to listen on: 127.0.0.1 locally, 0.0.0.0 in a container
#   NATS_CLIENT_PORT       4222 | 4223 | 4224 (tests use free ports)
#   NATS_CLIENT_ADVERTISE  host:port that clients are told to reconnect to, e.g. 127.0.0.1:4222
#   NATS_CLUSTER_PORT      6222 | 6223 | 6224
#   NATS_MONITOR_PORT      8222 | 8223 | 8224 (HTTP monitoring: /varz, /jsz, /healthz)
#   NATS_ROUTES            all three route URLs as a list, e.g.
#                          [nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223, nats-route://127.0.0.1:6224]
#                          (a route to the server itself is recognised and ignored)
#   NATS_STORE_DIR         JetStream storage directory of this server

server_name: $NATS_SERVER_NAME
host: $NATS_HOST
port: $NATS_CLIENT_PORT
client_advertise: $NATS_CLIENT_ADVERTISE
http_port: $NATS_MONITOR_PORT

include "accounts.conf"

jetstream {
  store_dir: $NATS_STORE_DIR
  # Small enough for a laptop or a 2-core CI machine.
  max_memory_store: 1GB
  max_file_store: 4GB
}

cluster {
  name: jetform
  host: $NATS_HOST
  port: $NATS_CLUSTER_PORT
  routes: $NATS_ROUTES
}

"""#

    static let builtInAccountsConf = #"""
# Accounts of the local jetform cluster, included by server.conf.
# Shared by `jetform cluster up`, the LocalCluster test harness and docker-compose.yml.
#
#   SYS  system account: cluster health, $SYS.REQ.* (context "sys", user admin/admin)
#   APP  application account with JetStream (context "user", user user/user)
#
# Plain-text passwords are fine for a local development cluster; never reuse them elsewhere.

accounts {
  SYS {
    users: [ { user: admin, password: admin } ]
  }
  APP {
    jetstream: enabled
    users: [ { user: user, password: user } ]
  }
}

system_account: SYS

"""#
}
