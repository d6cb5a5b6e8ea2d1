print("tfdrift-bench: not yet")
