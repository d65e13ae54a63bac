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
  edge [
    source 0
    target 1
    latency "66455 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 2
    latency "34627 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 3
    latency "53786 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 4
    latency "51310 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 5
    latency "70205 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 6
    latency "37030 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 6
    latency "60816 us"
    packet_loss 0.0
  ]
]
