"""The canvas: the photo and its boxes, mouse and key input, box painting, the image cache."""
