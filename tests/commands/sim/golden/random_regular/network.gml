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
  node [
    id 20
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 21
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 22
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 23
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  edge [
    source 6
    target 22
    latency "75444 us"
    packet_loss 0.0
  ]
  edge [
    source 19
    target 20
    latency "48148 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 16
    latency "80415 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 20
    latency "35588 us"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 12
    latency "86883 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 9
    latency "65556 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 9
    latency "80713 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 12
    latency "70248 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 23
    latency "66481 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 22
    latency "50954 us"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 16
    latency "52841 us"
    packet_loss 0.0
  ]
  edge [
    source 20
    target 23
    latency "36186 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 2
    latency "34803 us"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 22
    latency "42990 us"
    packet_loss 0.0
  ]
  edge [
    source 18
    target 22
    latency "34652 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 17
    latency "44163 us"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 11
    latency "85712 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 18
    latency "38308 us"
    packet_loss 0.0
  ]
  edge [
    source 12
    target 19
    latency "82539 us"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 14
    latency "39378 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 15
    latency "63722 us"
    packet_loss 0.0
  ]
  edge [
    source 17
    target 20
    latency "55048 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 7
    latency "63587 us"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 15
    latency "81016 us"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 18
    latency "77743 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 8
    latency "79131 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 6
    latency "77865 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 8
    latency "86605 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 17
    latency "72349 us"
    packet_loss 0.0
  ]
  edge [
    source 16
    target 21
    latency "68161 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 16
    latency "73940 us"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 21
    latency "39053 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 11
    latency "56556 us"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 14
    latency "46942 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 7
    latency "69990 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 21
    latency "71858 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 14
    latency "60376 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 17
    latency "48264 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 5
    latency "36858 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 10
    latency "56822 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 19
    latency "50294 us"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 18
    latency "34163 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 19
    latency "50612 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 12
    latency "65718 us"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 23
    latency "36753 us"
    packet_loss 0.0
  ]
  edge [
    source 14
    target 21
    latency "45559 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 23
    latency "70523 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 13
    latency "41763 us"
    packet_loss 0.0
  ]
]
