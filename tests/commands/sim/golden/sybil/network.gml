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
  node [
    id 12
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 13
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 14
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 15
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 16
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 17
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 18
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 19
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  edge [
    source 3
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 12
    target 19
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 14
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 18
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 11
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
    source 3
    target 14
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 12
    target 18
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 15
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
    source 4
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 18
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
    source 0
    target 1
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 18
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 19
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 14
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 12
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 19
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 4
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 19
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
    source 5
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 12
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 15
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 7
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 15
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 13
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 3
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 13
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 14
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
]
