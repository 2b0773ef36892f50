// Replies captured from real servers (nats-server 2.15.1 and 2.10.25, single node and 3-node cluster)
// by a raw-protocol capture script; keys sorted. Embedded as strings because the test target has no resources.

enum Fixtures {
    enum v2_15_1 {
        static let accountInfo = #"""
        {
          "api": {
            "errors": 0,
            "level": 5,
            "total": 0
          },
          "consumers": 0,
          "limits": {
            "max_ack_pending": -1,
            "max_bytes_required": false,
            "max_consumers": -1,
            "max_memory": -1,
            "max_storage": -1,
            "max_streams": -1,
            "memory_max_stream_bytes": -1,
            "storage_max_stream_bytes": -1
          },
          "memory": 0,
          "reserved_memory": 0,
          "reserved_storage": 0,
          "storage": 0,
          "streams": 0,
          "type": "io.nats.jetstream.api.v1.account_info_response"
        }
        """#
        static let consumerCreate = #"""
        {
          "ack_floor": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "config": {
            "ack_policy": "explicit",
            "ack_wait": 1000000000,
            "backoff": [
              1000000000,
              2000000000
            ],
            "deliver_policy": "all",
            "durable_name": "worker",
            "filter_subject": "orders.new",
            "max_ack_pending": 1000,
            "max_deliver": 5,
            "max_waiting": 512,
            "metadata": {
              "_nats.level": "5",
              "_nats.req.level": "0",
              "_nats.ver": "2.15.1",
              "a": "b"
            },
            "name": "worker",
            "num_replicas": 0,
            "replay_policy": "instant"
          },
          "created": "2026-11-27T18:52:20.406085844Z",
          "delivered": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "name": "worker",
          "num_ack_pending": 0,
          "num_pending": 4,
          "num_redelivered": 0,
          "num_waiting": 0,
          "stream_name": "ORDERS",
          "ts": "2026-11-27T18:52:20.406204467Z",
          "type": "io.nats.jetstream.api.v1.consumer_create_response"
        }
        """#
        static let consumerDelete = #"""
        {
          "success": true,
          "type": "io.nats.jetstream.api.v1.consumer_delete_response"
        }
        """#
        static let consumerInfo = #"""
        {
          "ack_floor": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "config": {
            "ack_policy": "explicit",
            "ack_wait": 1000000000,
            "backoff": [
              1000000000,
              2000000000
            ],
            "deliver_policy": "all",
            "durable_name": "worker",
            "filter_subject": "orders.new",
            "max_ack_pending": 1000,
            "max_deliver": 5,
            "max_waiting": 512,
            "metadata": {
              "_nats.level": "5",
              "_nats.req.level": "0",
              "_nats.ver": "2.15.1",
              "a": "b"
            },
            "name": "worker",
            "num_replicas": 0,
            "replay_policy": "instant"
          },
          "created": "2026-11-27T18:52:20.406085844Z",
          "delivered": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "name": "worker",
          "num_ack_pending": 0,
          "num_pending": 4,
          "num_redelivered": 0,
          "num_waiting": 0,
          "stream_name": "ORDERS",
          "ts": "2026-11-27T18:52:20.409156008Z",
          "type": "io.nats.jetstream.api.v1.consumer_info_response"
        }
        """#
        static let consumerList = #"""
        {
          "consumers": [
            {
              "ack_floor": {
                "consumer_seq": 0,
                "stream_seq": 0
              },
              "config": {
                "ack_policy": "explicit",
                "ack_wait": 1000000000,
                "backoff": [
                  1000000000,
                  2000000000
                ],
                "deliver_policy": "all",
                "durable_name": "worker",
                "filter_subject": "orders.new",
                "max_ack_pending": 1000,
                "max_deliver": 5,
                "max_waiting": 512,
                "metadata": {
                  "_nats.req.level": "0",
                  "a": "b"
                },
                "name": "worker",
                "num_replicas": 0,
                "replay_policy": "instant"
              },
              "created": "2026-11-27T18:52:20.406085844Z",
              "delivered": {
                "consumer_seq": 0,
                "stream_seq": 0
              },
              "name": "worker",
              "num_ack_pending": 0,
              "num_pending": 4,
              "num_redelivered": 0,
              "num_waiting": 0,
              "stream_name": "ORDERS",
              "ts": "2026-11-27T18:52:20.412479302Z"
            }
          ],
          "limit": 256,
          "offset": 0,
          "total": 1,
          "type": "io.nats.jetstream.api.v1.consumer_list_response"
        }
        """#
        static let consumerNames = #"""
        {
          "consumers": [
            "worker"
          ],
          "limit": 1024,
          "offset": 0,
          "total": 1,
          "type": "io.nats.jetstream.api.v1.consumer_names_response"
        }
        """#
        static let errorConsumerNotFound = #"""
        {
          "error": {
            "code": 404,
            "description": "consumer not found",
            "err_code": 10014
          },
          "type": "io.nats.jetstream.api.v1.consumer_info_response"
        }
        """#
        static let errorStreamNotFound = #"""
        {
          "error": {
            "code": 404,
            "description": "stream not found",
            "err_code": 10059
          },
          "limit": 0,
          "offset": 0,
          "total": 0,
          "type": "io.nats.jetstream.api.v1.stream_info_response"
        }
        """#
        static let pubAck = #"""
        {
          "seq": 4,
          "stream": "ORDERS"
        }
        """#
        static let pubAckDuplicate = #"""
        {
          "duplicate": true,
          "seq": 4,
          "stream": "ORDERS"
        }
        """#
        static let pubAckErrorWrongLastSeq = #"""
        {
          "error": {
            "code": 400,
            "description": "wrong last sequence: 4",
            "err_code": 10071
          },
          "seq": 0,
          "stream": "ORDERS"
        }
        """#
        static let streamCreate = #"""
        {
          "config": {
            "allow_direct": false,
            "allow_msg_ttl": false,
            "allow_rollup_hdrs": false,
            "compression": "none",
            "consumer_limits": {},
            "deny_delete": false,
            "deny_purge": false,
            "description": "fixture stream",
            "discard": "old",
            "duplicate_window": 120000000000,
            "max_age": 3600000000000,
            "max_bytes": -1,
            "max_consumers": -1,
            "max_msg_size": -1,
            "max_msgs": -1,
            "max_msgs_per_subject": -1,
            "metadata": {
              "_nats.level": "5",
              "_nats.req.level": "0",
              "_nats.ver": "2.15.1",
              "owner": "fixture"
            },
            "mirror_direct": false,
            "name": "ORDERS",
            "num_replicas": 1,
            "retention": "limits",
            "sealed": false,
            "storage": "memory",
            "subjects": [
              "orders.>"
            ]
          },
          "created": "2026-11-27T18:52:20.397562807Z",
          "did_create": true,
          "state": {
            "bytes": 0,
            "consumer_count": 0,
            "first_seq": 0,
            "first_ts": "0001-01-01T00:00:00Z",
            "last_seq": 0,
            "last_ts": "0001-01-01T00:00:00Z",
            "messages": 0
          },
          "ts": "2026-11-27T18:52:20.397822034Z",
          "type": "io.nats.jetstream.api.v1.stream_create_response"
        }
        """#
        static let streamDelete = #"""
        {
          "success": true,
          "type": "io.nats.jetstream.api.v1.stream_delete_response"
        }
        """#
        static let streamInfo = #"""
        {
          "cluster": {
            "leader": "NBY53IAUOM3U33ABV7SHK5P7QDVTCPP4JWSMOCGBG3YYMC7TPTZHHX37"
          },
          "config": {
            "allow_direct": false,
            "allow_msg_ttl": false,
            "allow_rollup_hdrs": false,
            "compression": "none",
            "consumer_limits": {},
            "deny_delete": false,
            "deny_purge": false,
            "description": "fixture stream",
            "discard": "old",
            "duplicate_window": 120000000000,
            "max_age": 3600000000000,
            "max_bytes": -1,
            "max_consumers": -1,
            "max_msg_size": -1,
            "max_msgs": -1,
            "max_msgs_per_subject": -1,
            "metadata": {
              "_nats.level": "5",
              "_nats.req.level": "0",
              "_nats.ver": "2.15.1",
              "owner": "fixture"
            },
            "mirror_direct": false,
            "name": "ORDERS",
            "num_replicas": 1,
            "retention": "limits",
            "sealed": false,
            "storage": "memory",
            "subjects": [
              "orders.>"
            ]
          },
          "created": "2026-11-27T18:52:20.397562807Z",
          "limit": 0,
          "offset": 0,
          "state": {
            "bytes": 236,
            "consumer_count": 0,
            "first_seq": 1,
            "first_ts": "2026-11-27T18:52:20.398963115Z",
            "last_seq": 4,
            "last_ts": "2026-11-27T18:52:20.399408657Z",
            "messages": 4,
            "num_subjects": 1
          },
          "total": 0,
          "ts": "2026-11-27T18:52:20.400684172Z",
          "type": "io.nats.jetstream.api.v1.stream_info_response"
        }
        """#
        static let streamList = #"""
        {
          "limit": 256,
          "offset": 0,
          "streams": [
            {
              "config": {
                "allow_direct": false,
                "allow_msg_ttl": false,
                "allow_rollup_hdrs": false,
                "compression": "none",
                "consumer_limits": {},
                "deny_delete": false,
                "deny_purge": false,
                "description": "fixture stream",
                "discard": "old",
                "duplicate_window": 120000000000,
                "max_age": 3600000000000,
                "max_bytes": -1,
                "max_consumers": -1,
                "max_msg_size": -1,
                "max_msgs": -1,
                "max_msgs_per_subject": -1,
                "metadata": {
                  "_nats.req.level": "0",
                  "owner": "fixture"
                },
                "mirror_direct": false,
                "name": "ORDERS",
                "num_replicas": 1,
                "retention": "limits",
                "sealed": false,
                "storage": "memory",
                "subjects": [
                  "orders.>"
                ]
              },
              "created": "2026-11-27T18:52:20.397562807Z",
              "state": {
                "bytes": 236,
                "consumer_count": 1,
                "first_seq": 1,
                "first_ts": "2026-11-27T18:52:20.398963115Z",
                "last_seq": 4,
                "last_ts": "2026-11-27T18:52:20.399408657Z",
                "messages": 4,
                "num_subjects": 1
              },
              "ts": "2026-11-27T18:52:20.411133411Z"
            }
          ],
          "total": 1,
          "type": "io.nats.jetstream.api.v1.stream_list_response"
        }
        """#
        static let streamNames = #"""
        {
          "limit": 1024,
          "offset": 0,
          "streams": [
            "ORDERS"
          ],
          "total": 1,
          "type": "io.nats.jetstream.api.v1.stream_names_response"
        }
        """#
        static let streamPurge = #"""
        {
          "purged": 3,
          "success": true,
          "type": "io.nats.jetstream.api.v1.stream_purge_response"
        }
        """#
        static let sysHealthz = #"""
        {
          "data": {
            "status": "ok",
            "status_code": 200
          },
          "server": {
            "cluster": "bench",
            "feature_flags": {
              "js_ack_fc_v2": false,
              "js_api_reply_v2": false,
              "js_raft_delete_range": true,
              "js_snapshot_sources": false
            },
            "flags": 7,
            "host": "127.0.0.1",
            "id": "NDU3BBOQYX2HXC2UEWY6POZCBJCDWTNANYOYVP7PKH5UG5HEAVXEHMSC",
            "jetstream": true,
            "name": "n0",
            "seq": 23,
            "time": "2026-11-27T19:07:10.882769218Z",
            "ver": "2.15.1"
          }
        }
        """#
        static let sysJsz = #"""
        {
          "data": {
            "accounts": 1,
            "api": {
              "errors": 0,
              "level": 5,
              "total": 0
            },
            "bytes": 0,
            "config": {
              "max_memory": 2147483648,
              "max_storage": 61801451520,
              "store_dir": "/tmp/jetform-bench.tgGNjp/n0/jetstream",
              "strict": true,
              "sync_interval": 120000000000
            },
            "consumers": 0,
            "ha_assets": 1,
            "limits": {
              "default_max_consumers": 1000
            },
            "memory": 0,
            "messages": 0,
            "meta_cluster": {
              "cluster_size": 3,
              "leader": "n1",
              "name": "bench",
              "peer": "fjFyEjc1",
              "pending": 0,
              "pending_infos": 0,
              "pending_requests": 0,
              "quorum_needed": 2,
              "replicas": [
                {
                  "active": 67733668,
                  "current": true,
                  "name": "n1",
                  "peer": "fjFyEjc1"
                },
                {
                  "active": 0,
                  "current": false,
                  "name": "n2",
                  "peer": "44jzkV9D"
                }
              ],
              "snapshot": {
                "last_time": "0001-01-01T00:00:00Z",
                "pending_entries": 0,
                "pending_size": 0
              }
            },
            "now": "2026-11-27T19:07:09.878579503Z",
            "reserved_memory": 0,
            "reserved_storage": 0,
            "server_id": "NDU3BBOQYX2HXC2UEWY6POZCBJCDWTNANYOYVP7PKH5UG5HEAVXEHMSC",
            "storage": 0,
            "streams": 0,
            "total": 1
          },
          "server": {
            "cluster": "bench",
            "feature_flags": {
              "js_ack_fc_v2": false,
              "js_api_reply_v2": false,
              "js_raft_delete_range": true,
              "js_snapshot_sources": false
            },
            "flags": 7,
            "host": "127.0.0.1",
            "id": "NDU3BBOQYX2HXC2UEWY6POZCBJCDWTNANYOYVP7PKH5UG5HEAVXEHMSC",
            "jetstream": true,
            "name": "n0",
            "seq": 21,
            "time": "2026-11-27T19:07:09.878624491Z",
            "ver": "2.15.1"
          }
        }
        """#
        static let sysVarz = #"""
        {
          "data": {
            "auth_required": true,
            "auth_timeout": 2,
            "cluster": {
              "addr": "127.0.0.1",
              "auth_timeout": 2,
              "cluster_port": 43343,
              "name": "bench",
              "pool_size": 3,
              "tls_timeout": 2,
              "urls": [
                "127.0.0.1:43343",
                "127.0.0.1:44965",
                "127.0.0.1:47101"
              ]
            },
            "config_digest": "sha256:7cc5c2291995c05f7ff6eefa309ff2abe40e88de1f19702b41c4aee07b08d6ef",
            "config_load_time": "2026-11-27T19:07:06.267615137Z",
            "connect_urls": [
              "127.0.0.1:45401",
              "127.0.0.1:40065",
              "127.0.0.1:43197"
            ],
            "connections": 1,
            "cores": 2,
            "cpu": 0,
            "disk_io_wait_stats": {
              "max_wait_time": 0,
              "wait_time": 0,
              "waiters": 0,
              "waits": 0
            },
            "feature_flags": {
              "js_ack_fc_v2": false,
              "js_api_reply_v2": false,
              "js_raft_delete_range": true,
              "js_snapshot_sources": false
            },
            "gateway": {},
            "git_commit": "b2fd3ef",
            "go": "go1.27.2",
            "gomaxprocs": 2,
            "host": "127.0.0.1",
            "http_base_path": "",
            "http_host": "127.0.0.1",
            "http_port": 0,
            "http_req_stats": {},
            "https_port": 0,
            "in_bytes": 17986,
            "in_client_bytes": 0,
            "in_client_msgs": 3,
            "in_msgs": 26,
            "jetstream": {
              "config": {
                "max_memory": 2147483648,
                "max_storage": 61801451520,
                "store_dir": "/tmp/jetform-bench.tgGNjp/n0/jetstream",
                "strict": true,
                "sync_interval": 120000000000
              },
              "limits": {
                "default_max_consumers": 1000
              },
              "meta": {
                "cluster_size": 3,
                "leader": "n1",
                "name": "bench",
                "peer": "fjFyEjc1",
                "pending": 0,
                "pending_infos": 0,
                "pending_requests": 0,
                "quorum_needed": 2,
                "replicas": [
                  {
                    "active": 584620848,
                    "current": true,
                    "name": "n1",
                    "peer": "fjFyEjc1"
                  },
                  {
                    "active": 0,
                    "current": false,
                    "name": "n2",
                    "peer": "44jzkV9D"
                  }
                ],
                "snapshot": {
                  "last_time": "0001-01-01T00:00:00Z",
                  "pending_entries": 0,
                  "pending_size": 0
                }
              },
              "stats": {
                "accounts": 1,
                "api": {
                  "errors": 0,
                  "level": 5,
                  "total": 0
                },
                "ha_assets": 1,
                "memory": 0,
                "reserved_memory": 0,
                "reserved_storage": 0,
                "storage": 0
              }
            },
            "leaf": {},
            "leafnodes": 0,
            "max_connections": 65536,
            "max_control_line": 4096,
            "max_payload": 1048576,
            "max_pending": 67108864,
            "mem": 18649088,
            "mqtt": {},
            "now": "2026-11-27T19:07:12.398001389Z",
            "out_bytes": 22719,
            "out_client_bytes": 4770,
            "out_client_msgs": 6,
            "out_msgs": 33,
            "ping_interval": 120000000000,
            "ping_max": 2,
            "port": 45401,
            "proto": 1,
            "remotes": 2,
            "routes": 8,
            "server_id": "NDU3BBOQYX2HXC2UEWY6POZCBJCDWTNANYOYVP7PKH5UG5HEAVXEHMSC",
            "server_name": "n0",
            "slow_consumer_stats": {
              "clients": 0,
              "gateways": 0,
              "leafs": 0,
              "routes": 0
            },
            "slow_consumers": 0,
            "stale_connection_stats": {
              "clients": 0,
              "gateways": 0,
              "leafs": 0,
              "routes": 0
            },
            "stale_connections": 0,
            "stalled_clients": 0,
            "start": "2026-11-27T19:07:06.267615137Z",
            "subscriptions": 208,
            "system_account": "SYS",
            "tls_timeout": 2,
            "total_connections": 1,
            "uptime": "6s",
            "version": "2.15.1",
            "websocket": {},
            "write_deadline": 10000000000
          },
          "server": {
            "cluster": "bench",
            "feature_flags": {
              "js_ack_fc_v2": false,
              "js_api_reply_v2": false,
              "js_raft_delete_range": true,
              "js_snapshot_sources": false
            },
            "flags": 7,
            "host": "127.0.0.1",
            "id": "NDU3BBOQYX2HXC2UEWY6POZCBJCDWTNANYOYVP7PKH5UG5HEAVXEHMSC",
            "jetstream": true,
            "name": "n0",
            "seq": 24,
            "time": "2026-11-27T19:07:12.39806162Z",
            "ver": "2.15.1"
          }
        }
        """#
    }
    enum v2_10_25 {
        static let accountInfo = #"""
        {
          "api": {
            "errors": 0,
            "total": 0
          },
          "consumers": 0,
          "limits": {
            "max_ack_pending": -1,
            "max_bytes_required": false,
            "max_consumers": -1,
            "max_memory": -1,
            "max_storage": -1,
            "max_streams": -1,
            "memory_max_stream_bytes": -1,
            "storage_max_stream_bytes": -1
          },
          "memory": 0,
          "reserved_memory": 0,
          "reserved_storage": 0,
          "storage": 0,
          "streams": 0,
          "type": "io.nats.jetstream.api.v1.account_info_response"
        }
        """#
        static let consumerCreate = #"""
        {
          "ack_floor": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "config": {
            "ack_policy": "explicit",
            "ack_wait": 1000000000,
            "backoff": [
              1000000000,
              2000000000
            ],
            "deliver_policy": "all",
            "durable_name": "worker",
            "filter_subject": "orders.new",
            "max_ack_pending": 1000,
            "max_deliver": 5,
            "max_waiting": 512,
            "metadata": {
              "a": "b"
            },
            "name": "worker",
            "num_replicas": 0,
            "replay_policy": "instant"
          },
          "created": "2026-11-27T18:52:22.50240499Z",
          "delivered": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "name": "worker",
          "num_ack_pending": 0,
          "num_pending": 4,
          "num_redelivered": 0,
          "num_waiting": 0,
          "stream_name": "ORDERS",
          "ts": "2026-11-27T18:52:22.502499056Z",
          "type": "io.nats.jetstream.api.v1.consumer_create_response"
        }
        """#
        static let consumerDelete = #"""
        {
          "success": true,
          "type": "io.nats.jetstream.api.v1.consumer_delete_response"
        }
        """#
        static let consumerInfo = #"""
        {
          "ack_floor": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "config": {
            "ack_policy": "explicit",
            "ack_wait": 1000000000,
            "backoff": [
              1000000000,
              2000000000
            ],
            "deliver_policy": "all",
            "durable_name": "worker",
            "filter_subject": "orders.new",
            "max_ack_pending": 1000,
            "max_deliver": 5,
            "max_waiting": 512,
            "metadata": {
              "a": "b"
            },
            "name": "worker",
            "num_replicas": 0,
            "replay_policy": "instant"
          },
          "created": "2026-11-27T18:52:22.50240499Z",
          "delivered": {
            "consumer_seq": 0,
            "stream_seq": 0
          },
          "name": "worker",
          "num_ack_pending": 0,
          "num_pending": 4,
          "num_redelivered": 0,
          "num_waiting": 0,
          "stream_name": "ORDERS",
          "ts": "2026-11-27T18:52:22.503443366Z",
          "type": "io.nats.jetstream.api.v1.consumer_info_response"
        }
        """#
        static let consumerList = #"""
        {
          "consumers": [
            {
              "ack_floor": {
                "consumer_seq": 0,
                "stream_seq": 0
              },
              "config": {
                "ack_policy": "explicit",
                "ack_wait": 1000000000,
                "backoff": [
                  1000000000,
                  2000000000
                ],
                "deliver_policy": "all",
                "durable_name": "worker",
                "filter_subject": "orders.new",
                "max_ack_pending": 1000,
                "max_deliver": 5,
                "max_waiting": 512,
                "metadata": {
                  "a": "b"
                },
                "name": "worker",
                "num_replicas": 0,
                "replay_policy": "instant"
              },
              "created": "2026-11-27T18:52:22.50240499Z",
              "delivered": {
                "consumer_seq": 0,
                "stream_seq": 0
              },
              "name": "worker",
              "num_ack_pending": 0,
              "num_pending": 4,
              "num_redelivered": 0,
              "num_waiting": 0,
              "stream_name": "ORDERS",
              "ts": "2026-11-27T18:52:22.511235174Z"
            }
          ],
          "limit": 256,
          "offset": 0,
          "total": 1,
          "type": "io.nats.jetstream.api.v1.consumer_list_response"
        }
        """#
        static let consumerNames = #"""
        {
          "consumers": [
            "worker"
          ],
          "limit": 1024,
          "offset": 0,
          "total": 1,
          "type": "io.nats.jetstream.api.v1.consumer_names_response"
        }
        """#
        static let errorConsumerNotFound = #"""
        {
          "error": {
            "code": 404,
            "description": "consumer not found",
            "err_code": 10014
          },
          "type": "io.nats.jetstream.api.v1.consumer_info_response"
        }
        """#
        static let errorStreamNotFound = #"""
        {
          "error": {
            "code": 404,
            "description": "stream not found",
            "err_code": 10059
          },
          "limit": 0,
          "offset": 0,
          "total": 0,
          "type": "io.nats.jetstream.api.v1.stream_info_response"
        }
        """#
        static let pubAck = #"""
        {
          "seq": 4,
          "stream": "ORDERS"
        }
        """#
        static let pubAckDuplicate = #"""
        {
          "duplicate": true,
          "seq": 4,
          "stream": "ORDERS"
        }
        """#
        static let pubAckErrorWrongLastSeq = #"""
        {
          "error": {
            "code": 400,
            "description": "wrong last sequence: 4",
            "err_code": 10071
          },
          "seq": 0,
          "stream": "ORDERS"
        }
        """#
        static let streamCreate = #"""
        {
          "config": {
            "allow_direct": false,
            "allow_rollup_hdrs": false,
            "compression": "none",
            "consumer_limits": {},
            "deny_delete": false,
            "deny_purge": false,
            "description": "fixture stream",
            "discard": "old",
            "duplicate_window": 120000000000,
            "max_age": 3600000000000,
            "max_bytes": -1,
            "max_consumers": -1,
            "max_msg_size": -1,
            "max_msgs": -1,
            "max_msgs_per_subject": -1,
            "metadata": {
              "owner": "fixture"
            },
            "mirror_direct": false,
            "name": "ORDERS",
            "num_replicas": 1,
            "retention": "limits",
            "sealed": false,
            "storage": "memory",
            "subjects": [
              "orders.>"
            ]
          },
          "created": "2026-11-27T18:52:22.491726231Z",
          "did_create": true,
          "state": {
            "bytes": 0,
            "consumer_count": 0,
            "first_seq": 0,
            "first_ts": "0001-01-01T00:00:00Z",
            "last_seq": 0,
            "last_ts": "0001-01-01T00:00:00Z",
            "messages": 0
          },
          "ts": "2026-11-27T18:52:22.491903426Z",
          "type": "io.nats.jetstream.api.v1.stream_create_response"
        }
        """#
        static let streamDelete = #"""
        {
          "success": true,
          "type": "io.nats.jetstream.api.v1.stream_delete_response"
        }
        """#
        static let streamInfo = #"""
        {
          "cluster": {
            "leader": "NAG4FGFCMSU2MTK5JILUJ722R5V57VK5RQYPFUJVTYVUPP3G5ZW36YYO"
          },
          "config": {
            "allow_direct": false,
            "allow_rollup_hdrs": false,
            "compression": "none",
            "consumer_limits": {},
            "deny_delete": false,
            "deny_purge": false,
            "description": "fixture stream",
            "discard": "old",
            "duplicate_window": 120000000000,
            "max_age": 3600000000000,
            "max_bytes": -1,
            "max_consumers": -1,
            "max_msg_size": -1,
            "max_msgs": -1,
            "max_msgs_per_subject": -1,
            "metadata": {
              "owner": "fixture"
            },
            "mirror_direct": false,
            "name": "ORDERS",
            "num_replicas": 1,
            "retention": "limits",
            "sealed": false,
            "storage": "memory",
            "subjects": [
              "orders.>"
            ]
          },
          "created": "2026-11-27T18:52:22.491726231Z",
          "limit": 0,
          "offset": 0,
          "state": {
            "bytes": 236,
            "consumer_count": 0,
            "first_seq": 1,
            "first_ts": "2026-11-27T18:52:22.493606682Z",
            "last_seq": 4,
            "last_ts": "2026-11-27T18:52:22.494208961Z",
            "messages": 4,
            "num_subjects": 1
          },
          "total": 0,
          "ts": "2026-11-27T18:52:22.496472043Z",
          "type": "io.nats.jetstream.api.v1.stream_info_response"
        }
        """#
        static let streamList = #"""
        {
          "limit": 256,
          "offset": 0,
          "streams": [
            {
              "config": {
                "allow_direct": false,
                "allow_rollup_hdrs": false,
                "compression": "none",
                "consumer_limits": {},
                "deny_delete": false,
                "deny_purge": false,
                "description": "fixture stream",
                "discard": "old",
                "duplicate_window": 120000000000,
                "max_age": 3600000000000,
                "max_bytes": -1,
                "max_consumers": -1,
                "max_msg_size": -1,
                "max_msgs": -1,
                "max_msgs_per_subject": -1,
                "metadata": {
                  "owner": "fixture"
                },
                "mirror_direct": false,
                "name": "ORDERS",
                "num_replicas": 1,
                "retention": "limits",
                "sealed": false,
                "storage": "memory",
                "subjects": [
                  "orders.>"
                ]
              },
              "created": "2026-11-27T18:52:22.491726231Z",
              "state": {
                "bytes": 236,
                "consumer_count": 1,
                "first_seq": 1,
                "first_ts": "2026-11-27T18:52:22.493606682Z",
                "last_seq": 4,
                "last_ts": "2026-11-27T18:52:22.494208961Z",
                "messages": 4,
                "num_subjects": 1
              },
              "ts": "2026-11-27T18:52:22.509622596Z"
            }
          ],
          "total": 1,
          "type": "io.nats.jetstream.api.v1.stream_list_response"
        }
        """#
        static let streamNames = #"""
        {
          "limit": 1024,
          "offset": 0,
          "streams": [
            "ORDERS"
          ],
          "total": 1,
          "type": "io.nats.jetstream.api.v1.stream_names_response"
        }
        """#
        static let streamPurge = #"""
        {
          "purged": 3,
          "success": true,
          "type": "io.nats.jetstream.api.v1.stream_purge_response"
        }
        """#
        static let sysHealthz = #"""
        {
          "data": {
            "status": "ok",
            "status_code": 200
          },
          "server": {
            "cluster": "bench",
            "flags": 3,
            "host": "127.0.0.1",
            "id": "NAGRQMOLZ74SANDWIAXAJ2SPUEDVEENPXEWRYTQFEWLTZGWPINMBBILJ",
            "jetstream": true,
            "name": "n0",
            "seq": 20,
            "time": "2026-11-27T19:07:27.074445594Z",
            "ver": "2.10.25"
          }
        }
        """#
        static let sysJsz = #"""
        {
          "data": {
            "accounts": 1,
            "api": {
              "errors": 0,
              "total": 0
            },
            "bytes": 0,
            "config": {
              "max_memory": 2147483648,
              "max_storage": 61792266240,
              "store_dir": "/tmp/jetform-bench.fXmRwz/n0/jetstream",
              "sync_interval": 120000000000
            },
            "consumers": 0,
            "ha_assets": 1,
            "memory": 0,
            "messages": 0,
            "meta_cluster": {
              "cluster_size": 3,
              "leader": "n0",
              "name": "bench",
              "peer": "6DVFpukC",
              "pending": 0,
              "replicas": [
                {
                  "active": 992427059,
                  "current": true,
                  "name": "n1",
                  "peer": "fjFyEjc1"
                },
                {
                  "active": 992154725,
                  "current": true,
                  "name": "n2",
                  "peer": "44jzkV9D"
                }
              ]
            },
            "now": "2026-11-27T19:07:26.061725185Z",
            "reserved_memory": 0,
            "reserved_storage": 0,
            "server_id": "NAGRQMOLZ74SANDWIAXAJ2SPUEDVEENPXEWRYTQFEWLTZGWPINMBBILJ",
            "storage": 0,
            "streams": 0
          },
          "server": {
            "cluster": "bench",
            "flags": 3,
            "host": "127.0.0.1",
            "id": "NAGRQMOLZ74SANDWIAXAJ2SPUEDVEENPXEWRYTQFEWLTZGWPINMBBILJ",
            "jetstream": true,
            "name": "n0",
            "seq": 18,
            "time": "2026-11-27T19:07:26.061755644Z",
            "ver": "2.10.25"
          }
        }
        """#
        static let sysVarz = #"""
        {
          "data": {
            "auth_required": true,
            "auth_timeout": 2,
            "cluster": {
              "addr": "127.0.0.1",
              "auth_timeout": 2,
              "cluster_port": 41009,
              "name": "bench",
              "pool_size": 3,
              "tls_timeout": 2,
              "urls": [
                "127.0.0.1:33361",
                "127.0.0.1:50647",
                "127.0.0.1:41009"
              ]
            },
            "config_load_time": "2026-11-27T19:07:22.894310212Z",
            "connect_urls": [
              "127.0.0.1:34361",
              "127.0.0.1:41645",
              "127.0.0.1:39385"
            ],
            "connections": 0,
            "cores": 2,
            "cpu": 0,
            "gateway": {},
            "git_commit": "fec6776",
            "go": "go1.24.0",
            "gomaxprocs": 2,
            "host": "127.0.0.1",
            "http_base_path": "",
            "http_host": "127.0.0.1",
            "http_port": 0,
            "http_req_stats": {},
            "https_port": 0,
            "in_bytes": 10387,
            "in_msgs": 21,
            "jetstream": {
              "config": {
                "max_memory": 2147483648,
                "max_storage": 61792229376,
                "store_dir": "/tmp/jetform-bench.fXmRwz/n2/jetstream",
                "sync_interval": 120000000000
              },
              "meta": {
                "cluster_size": 3,
                "leader": "n0",
                "name": "bench",
                "peer": "6DVFpukC",
                "pending": 0
              },
              "stats": {
                "accounts": 1,
                "api": {
                  "errors": 0,
                  "total": 0
                },
                "ha_assets": 1,
                "memory": 0,
                "reserved_memory": 0,
                "reserved_storage": 0,
                "storage": 0
              }
            },
            "leaf": {},
            "leafnodes": 0,
            "max_connections": 65536,
            "max_control_line": 4096,
            "max_payload": 1048576,
            "max_pending": 67108864,
            "mem": 16031744,
            "mqtt": {},
            "now": "2026-11-27T19:07:28.793608324Z",
            "out_bytes": 10143,
            "out_msgs": 18,
            "ping_interval": 120000000000,
            "ping_max": 2,
            "port": 34361,
            "proto": 1,
            "remotes": 2,
            "routes": 8,
            "server_id": "NAB3HVEG25PTNPS6I65IOD7LHA7YFXVTTO7JNR7YRZT6DSR7UMGCTLTL",
            "server_name": "n2",
            "slow_consumer_stats": {
              "clients": 0,
              "gateways": 0,
              "leafs": 0,
              "routes": 0
            },
            "slow_consumers": 0,
            "start": "2026-11-27T19:07:22.894310212Z",
            "subscriptions": 190,
            "system_account": "SYS",
            "tls_timeout": 2,
            "total_connections": 0,
            "uptime": "5s",
            "version": "2.10.25",
            "websocket": {},
            "write_deadline": 10000000000
          },
          "server": {
            "cluster": "bench",
            "flags": 3,
            "host": "127.0.0.1",
            "id": "NAB3HVEG25PTNPS6I65IOD7LHA7YFXVTTO7JNR7YRZT6DSR7UMGCTLTL",
            "jetstream": true,
            "name": "n2",
            "seq": 18,
            "time": "2026-11-27T19:07:28.793673556Z",
            "ver": "2.10.25"
          }
        }
        """#
    }
}
