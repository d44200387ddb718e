"""The YOLO-style grid detector: head, target codec, TensorFlow loss, k-means anchors."""
