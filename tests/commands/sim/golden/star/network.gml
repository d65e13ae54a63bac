graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  node [
    id 1
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  node [
    id 2
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  node [
    id 3
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  node [
    id 4
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  node [
    id 5
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  edge [
    source 0
    target 1
    latency "40 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 2
    latency "40 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 3
    latency "40 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 4
    latency "40 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 5
    latency "40 ms"
    packet_loss 0.0
  ]
]
