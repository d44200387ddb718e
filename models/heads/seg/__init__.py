"""The FCN-8s segmentation head."""
