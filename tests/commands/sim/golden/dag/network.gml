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
  edge [
    source 0
    target 1
    latency "104180 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 2
    latency "90730 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 2
    latency "87474 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 3
    latency "65627 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 3
    latency "38544 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 4
    latency "55257 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 4
    latency "88797 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 5
    latency "112057 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 5
    latency "81871 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 6
    latency "94716 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 6
    latency "29023 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 7
    latency "61487 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 7
    latency "118091 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 8
    latency "41634 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 8
    latency "23878 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 9
    latency "25946 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 9
    latency "78396 us"
    packet_loss 0.0
  ]
]
