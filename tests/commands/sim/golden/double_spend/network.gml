graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 1
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 2
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 3
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 4
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 5
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 6
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 7
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 8
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 9
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 10
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 11
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  edge [
    source 0
    target 7
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 3
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 9
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 5
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 6
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 7
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 9
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 6
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 4
    latency "50 ms"
    packet_loss 0.0
  ]
]
