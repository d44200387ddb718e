"""The annotation core: documents, geometry, file formats, image loading, datasets, sample data.

Plain Python + numpy + OpenCV (+ Pillow for palette PNGs and image headers). Never imports Qt or TensorFlow.
"""
