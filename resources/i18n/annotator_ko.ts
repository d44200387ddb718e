<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>annotator</name>
    <message>
        <source>&amp;Open image...</source>
        <translation>이미지 열기(&amp;O)...</translation>
    </message>
    <message>
        <source>Open &amp;folder...</source>
        <translation>폴더 열기(&amp;F)...</translation>
    </message>
    <message>
        <source>Change &amp;save folder...</source>
        <translation>저장 폴더 변경(&amp;S)...</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
    <message>
        <source>Save as Pascal &amp;VOC</source>
        <translation>Pascal VOC로 저장(&amp;V)</translation>
    </message>
    <message>
        <source>Save as &amp;YOLO</source>
        <translation>YOLO로 저장(&amp;Y)</translation>
    </message>
    <message>
        <source>Save as &amp;CreateML</source>
        <translation>CreateML로 저장(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Autosave</source>
        <translation>자동 저장(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Delete image to trash...</source>
        <translation>이미지를 휴지통으로 삭제(&amp;D)...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <source>Create &amp;box</source>
        <translation>상자 만들기(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Edit label...</source>
        <translation>레이블 편집(&amp;E)...</translation>
    </message>
    <message>
        <source>De&amp;lete box</source>
        <translation>상자 삭제(&amp;L)</translation>
    </message>
    <message>
        <source>Dupli&amp;cate box</source>
        <translation>상자 복제(&amp;C)</translation>
    </message>
    <message>
        <source>Copy &amp;previous image's boxes</source>
        <translation>이전 이미지의 상자 복사(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Verify image</source>
        <translation>이미지 확인(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Single-class mode</source>
        <translation>단일 클래스 모드(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Next image</source>
        <translation>다음 이미지(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous image</source>
        <translation>이전 이미지(&amp;P)</translation>
    </message>
    <message>
        <source>Next &amp;unlabelled image</source>
        <translation>다음 미분류 이미지(&amp;U)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit window</source>
        <translation>창에 맞추기(&amp;F)</translation>
    </message>
    <message>
        <source>Fit &amp;width</source>
        <translation>너비에 맞추기(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;100%</source>
        <translation>&amp;100%</translation>
    </message>
    <message>
        <source>Show &amp;boxes</source>
        <translation>상자 표시(&amp;B)</translation>
    </message>
    <message>
        <source>Show &amp;label text</source>
        <translation>레이블 글자 표시(&amp;L)</translation>
    </message>
    <message>
        <source>Language: system</source>
        <translation>언어: 시스템</translation>
    </message>
    <message>
        <source>Language: English</source>
        <translation>언어: 영어 (English)</translation>
    </message>
    <message>
        <source>Language: Korean</source>
        <translation>언어: 한국어</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>키보드 단축키(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>정보(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Navigate</source>
        <translation>이동(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Draw a box (hold Shift for a square)</source>
        <translation>상자 그리기 (Shift를 누르면 정사각형)</translation>
    </message>
    <message>
        <source>Cancel drawing or dragging</source>
        <translation>그리기 또는 끌기 취소</translation>
    </message>
    <message>
        <source>Nudge the selected box by 1 pixel</source>
        <translation>선택한 상자를 1픽셀 이동</translation>
    </message>
    <message>
        <source>Nudge the selected box by 10 pixels</source>
        <translation>선택한 상자를 10픽셀 이동</translation>
    </message>
    <message>
        <source>Zoom around the cursor</source>
        <translation>커서 위치를 중심으로 확대/축소</translation>
    </message>
    <message>
        <source>Scroll vertically / horizontally</source>
        <translation>세로 / 가로 스크롤</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>화면 이동</translation>
    </message>
    <message>
        <source>Edit the label of a box</source>
        <translation>상자의 레이블 편집</translation>
    </message>
    <message>
        <source>Add box '%s'</source>
        <translation>상자 '%s' 추가</translation>
    </message>
    <message>
        <source>Add %d boxes</source>
        <translation>상자 %d개 추가</translation>
    </message>
    <message>
        <source>Delete %d box(es)</source>
        <translation>상자 %d개 삭제</translation>
    </message>
    <message>
        <source>Move box</source>
        <translation>상자 이동</translation>
    </message>
    <message>
        <source>Move/resize box</source>
        <translation>상자 이동/크기 조정</translation>
    </message>
    <message>
        <source>Relabel box as '%s'</source>
        <translation>상자 레이블을 '%s'(으)로 변경</translation>
    </message>
    <message>
        <source>Mark verified</source>
        <translation>확인됨으로 표시</translation>
    </message>
    <message>
        <source>Unmark verified</source>
        <translation>확인 표시 해제</translation>
    </message>
    <message>
        <source>This annotation is read-only: it could not be read (see the banner).</source>
        <translation>이 주석은 읽기 전용입니다: 파일을 읽을 수 없습니다 (배너 참조).</translation>
    </message>
    <message>
        <source>There is no previous image.</source>
        <translation>이전 이미지가 없습니다.</translation>
    </message>
    <message>
        <source>The previous image has no boxes to copy.</source>
        <translation>이전 이미지에 복사할 상자가 없습니다.</translation>
    </message>
    <message>
        <source>Copy %d boxes from the previous image</source>
        <translation>이전 이미지에서 상자 %d개 복사</translation>
    </message>
    <message>
        <source>Filter by name</source>
        <translation>이름으로 거르기</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>Unlabelled</source>
        <translation>미분류</translation>
    </message>
    <message>
        <source>Labelled</source>
        <translation>레이블 있음</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>확인됨</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>unlabelled</source>
        <translation>미분류</translation>
    </message>
    <message>
        <source>labelled</source>
        <translation>레이블 있음</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>확인됨</translation>
    </message>
    <message>
        <source>%d / %d labelled</source>
        <translation>%d / %d 레이블 완료</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>키보드 단축키</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>키</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Box label</source>
        <translation>상자 레이블</translation>
    </message>
    <message>
        <source>Type a label or pick one</source>
        <translation>레이블을 입력하거나 선택하세요</translation>
    </message>
    <message>
        <source>%d boxes in this folder</source>
        <translation>이 폴더의 상자 %d개</translation>
    </message>
    <message>
        <source>Difficult</source>
        <translation>어려움(difficult)</translation>
    </message>
    <message>
        <source>Open a folder of images (Ctrl+U) or an image (Ctrl+O).</source>
        <translation>이미지 폴더(Ctrl+U) 또는 이미지(Ctrl+O)를 여세요.</translation>
    </message>
    <message>
        <source>New box: %d x %d px</source>
        <translation>새 상자: %d x %d 픽셀</translation>
    </message>
    <message>
        <source>Open &amp;recent folder</source>
        <translation>최근 폴더 열기(&amp;R)</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Boxes</source>
        <translation>상자</translation>
    </message>
    <message>
        <source>Overwrite it (keep a backup)</source>
        <translation>덮어쓰기 (백업 보관)</translation>
    </message>
    <message>
        <source>(read-only)</source>
        <translation>(읽기 전용)</translation>
    </message>
    <message>
        <source>The annotation file %s cannot be read, so this image is read-only and the file will not be changed.
%s</source>
        <translation>주석 파일 %s을(를) 읽을 수 없어 이 이미지는 읽기 전용이며 파일은 변경되지 않습니다.
%s</translation>
    </message>
    <message>
        <source>Saving as %s</source>
        <translation>%s 형식으로 저장</translation>
    </message>
    <message>
        <source>Single-class mode: every new box is '%s'</source>
        <translation>단일 클래스 모드: 모든 새 상자는 '%s'</translation>
    </message>
    <message>
        <source>About</source>
        <translation>정보</translation>
    </message>
    <message>
        <source>Flower Annotator: boxes in Pascal VOC, YOLO or CreateML, and Keras models.</source>
        <translation>Flower Annotator: Pascal VOC, YOLO, CreateML 상자와 Keras 모델.</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>이미지 열기</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>Save annotations to</source>
        <translation>주석 저장 위치</translation>
    </message>
    <message>
        <source>No such file or folder: %s</source>
        <translation>파일이나 폴더가 없습니다: %s</translation>
    </message>
    <message>
        <source>Cannot open %s: %s</source>
        <translation>%s을(를) 열 수 없습니다: %s</translation>
    </message>
    <message>
        <source>No images in %s</source>
        <translation>%s에 이미지가 없습니다</translation>
    </message>
    <message>
        <source>Cannot show this image.
%s</source>
        <translation>이 이미지를 표시할 수 없습니다.
%s</translation>
    </message>
    <message>
        <source>This is the last image.</source>
        <translation>마지막 이미지입니다.</translation>
    </message>
    <message>
        <source>This is the first image.</source>
        <translation>첫 번째 이미지입니다.</translation>
    </message>
    <message>
        <source>Every image is labelled.</source>
        <translation>모든 이미지에 레이블이 있습니다.</translation>
    </message>
    <message>
        <source>Not saved: the annotation file could not be read (see the banner).</source>
        <translation>저장하지 않음: 주석 파일을 읽을 수 없습니다 (배너 참조).</translation>
    </message>
    <message>
        <source>Save failed</source>
        <translation>저장 실패</translation>
    </message>
    <message>
        <source>Could not save %s:
%s</source>
        <translation>%s을(를) 저장할 수 없습니다:
%s</translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation>%s 저장됨</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경 사항</translation>
    </message>
    <message>
        <source>Save the changes to %s?</source>
        <translation>%s의 변경 사항을 저장할까요?</translation>
    </message>
    <message>
        <source>The old file was kept as %s</source>
        <translation>이전 파일은 %s(으)로 보관되었습니다</translation>
    </message>
    <message>
        <source>Delete image</source>
        <translation>이미지 삭제</translation>
    </message>
    <message>
        <source>Move %s and its annotation to the trash folder %s?</source>
        <translation>%s과(와) 주석을 휴지통 폴더 %s(으)로 옮길까요?</translation>
    </message>
    <message>
        <source>No images left in %s</source>
        <translation>%s에 남은 이미지가 없습니다</translation>
    </message>
    <message>
        <source>%d unreviewed prediction(s)</source>
        <translation>검토하지 않은 예측 %d개</translation>
    </message>
    <message>
        <source>&amp;Accept prediction</source>
        <translation>예측 수락(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Load model...</source>
        <translation>모델 불러오기(&amp;L)...</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>모델(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Model panel</source>
        <translation>모델 패널(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Reject prediction</source>
        <translation>예측 거부(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Training panel</source>
        <translation>학습 패널(&amp;T)</translation>
    </message>
    <message>
        <source>A model is training. Cancel the training and quit?</source>
        <translation>모델을 학습하고 있습니다. 학습을 취소하고 종료할까요?</translation>
    </message>
    <message>
        <source>A training run is going.</source>
        <translation>학습이 진행 중입니다.</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>수락</translation>
    </message>
    <message>
        <source>Accept %d predictions</source>
        <translation>예측 %d개 수락</translation>
    </message>
    <message>
        <source>Accept all predictions above &amp;threshold</source>
        <translation>임계값 이상의 예측 모두 수락(&amp;T)</translation>
    </message>
    <message>
        <source>Accept all shown</source>
        <translation>표시된 예측 모두 수락</translation>
    </message>
    <message>
        <source>The model worker stopped answering for {0:g} s and was stopped.</source>
        <translation>모델 작업자가 {0:g}초 동안 응답하지 않아 중지했습니다.</translation>
    </message>
    <message>
        <source>How wide the network is: narrower trains and predicts faster, wider can learn more.</source>
        <translation>신경망의 너비: 좁을수록 학습과 예측이 빠르고, 넓을수록 더 많이 배울 수 있습니다.</translation>
    </message>
    <message>
        <source>No ImageNet weights exist for {0}: choose none (from scratch) or a weights file.</source>
        <translation>{0}에는 ImageNet 가중치가 없습니다. 없음(처음부터) 또는 가중치 파일을 고르세요.</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>너비</translation>
    </message>
    <message>
        <source>A label whose best prediction overlaps it less than this counts as missed.</source>
        <translation>가장 잘 맞는 예측과의 겹침이 이 값보다 작은 레이블은 놓친 것으로 셉니다.</translation>
    </message>
    <message>
        <source>Click a cell on the image to see its anchor boxes; 'best box' follows the surest box.</source>
        <translation>이미지에서 셀을 클릭하면 그 셀의 앵커 상자가 보입니다. '최고 상자'는 가장 확실한 상자를 따라갑니다.</translation>
    </message>
    <message>
        <source>Click a prediction here or on the image, then Accept or Reject it.</source>
        <translation>여기나 이미지에서 예측을 클릭한 뒤 수락하거나 거부하세요.</translation>
    </message>
    <message>
        <source>Hide predictions the model is less sure of than this.</source>
        <translation>모델의 확신이 이 값보다 낮은 예측은 숨깁니다.</translation>
    </message>
    <message>
        <source>How strongly the predicted mask colours the image.</source>
        <translation>예측한 마스크가 이미지를 얼마나 진하게 칠할지 정합니다.</translation>
    </message>
    <message>
        <source>Losses (lower is better)</source>
        <translation>손실 (낮을수록 좋음)</translation>
    </message>
    <message>
        <source>Model: {0}
{1}, {2} px, finds: {3}
classes: {4}</source>
        <translation>모델: {0}
{1}, {2} px, 찾는 것: {3}
클래스: {4}</translation>
    </message>
    <message>
        <source>No model loaded: train one in the Training panel, or load a .keras file.</source>
        <translation>불러온 모델이 없습니다. 학습 패널에서 학습하거나 .keras 파일을 불러오세요.</translation>
    </message>
    <message>
        <source>Of two predicted boxes of one class that overlap more than this, keep only the surer.</source>
        <translation>같은 클래스의 두 예측 상자가 이 값보다 많이 겹치면 더 확실한 상자만 남깁니다.</translation>
    </message>
    <message>
        <source>Scores (higher is better)</source>
        <translation>점수 (높을수록 좋음)</translation>
    </message>
    <message>
        <source>Shade each grid cell by how sure the model is an object is there.</source>
        <translation>모델이 그 셀에 객체가 있다고 확신하는 정도로 각 그리드 셀을 칠합니다.</translation>
    </message>
    <message>
        <source>batch {0} of {1}</source>
        <translation>배치 {0}/{1}</translation>
    </message>
    <message>
        <source>box IoU</source>
        <translation>상자 IoU</translation>
    </message>
    <message>
        <source>box loss</source>
        <translation>상자 손실</translation>
    </message>
    <message>
        <source>class accuracy</source>
        <translation>클래스 정확도</translation>
    </message>
    <message>
        <source>class loss</source>
        <translation>클래스 손실</translation>
    </message>
    <message>
        <source>epoch {0} of {1}</source>
        <translation>에포크 {0}/{1}</translation>
    </message>
    <message>
        <source>epoch {0}: {1}</source>
        <translation>에포크 {0}: {1}</translation>
    </message>
    <message>
        <source>epochs {0}-{1}: {2}</source>
        <translation>에포크 {0}-{1}: {2}</translation>
    </message>
    <message>
        <source>fine-tuning the pretrained network</source>
        <translation>사전 학습된 신경망 미세 조정</translation>
    </message>
    <message>
        <source>grid loss</source>
        <translation>그리드 손실</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <source>mask IoU</source>
        <translation>마스크 IoU</translation>
    </message>
    <message>
        <source>mask loss</source>
        <translation>마스크 손실</translation>
    </message>
    <message>
        <source>passing the images through the pretrained network once</source>
        <translation>사전 학습된 신경망에 이미지를 한 번 통과시키는 중</translation>
    </message>
    <message>
        <source>reading the labelled images</source>
        <translation>레이블된 이미지 읽는 중</translation>
    </message>
    <message>
        <source>score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>solid: training, dashed: validation</source>
        <translation>실선: 학습, 점선: 검증</translation>
    </message>
    <message>
        <source>starting TensorFlow</source>
        <translation>TensorFlow 시작 중</translation>
    </message>
    <message>
        <source>total loss</source>
        <translation>전체 손실</translation>
    </message>
    <message>
        <source>training the new layers</source>
        <translation>새 층 학습</translation>
    </message>
    <message>
        <source>training the whole network</source>
        <translation>신경망 전체 학습</translation>
    </message>
    <message>
        <source>{0} (validation)</source>
        <translation>{0} (검증)</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>Accept prediction '%s'</source>
        <translation>예측 '%s' 수락</translation>
    </message>
    <message>
        <source>Anchors of cell</source>
        <translation>셀의 앵커</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>백본</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <source>Boxes per class: {0}</source>
        <translation>클래스별 상자 수: {0}</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>찾아보기...</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancelling (stops within one batch, keeps the best model so far)...</source>
        <translation>취소하는 중 (한 배치 안에 멈추고, 지금까지 가장 좋은 모델을 남깁니다)...</translation>
    </message>
    <message>
        <source>Cannot read {0}: {1}</source>
        <translation>{0}을(를) 읽을 수 없습니다: {1}</translation>
    </message>
    <message>
        <source>Choose at least one head.</source>
        <translation>헤드를 하나 이상 선택하세요.</translation>
    </message>
    <message>
        <source>Could not load {0}: {1}</source>
        <translation>{0}을(를) 불러오지 못했습니다: {1}</translation>
    </message>
    <message>
        <source>Counting labels in {0}...</source>
        <translation>{0}의 레이블을 세는 중...</translation>
    </message>
    <message>
        <source>Counting labels...</source>
        <translation>레이블을 세는 중...</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>곡선</translation>
    </message>
    <message>
        <source>ETA {0}:{1:02d}</source>
        <translation>남은 시간 {0}:{1:02d}</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>에포크</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>그리드</translation>
    </message>
    <message>
        <source>Grid: show detections &amp;before NMS</source>
        <translation>그리드: NMS 이전 검출 표시(&amp;B)</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>헤드</translation>
    </message>
    <message>
        <source>ImageNet (available)</source>
        <translation>ImageNet (있음)</translation>
    </message>
    <message>
        <source>ImageNet (missing)</source>
        <translation>ImageNet (없음)</translation>
    </message>
    <message>
        <source>ImageNet weights available ({0})</source>
        <translation>ImageNet 가중치 있음 ({0})</translation>
    </message>
    <message>
        <source>ImageNet weights not on this machine: put {0} in {1} (or train with weights: none)</source>
        <translation>이 컴퓨터에 ImageNet 가중치가 없습니다: {0}을(를) {1}에 넣으세요 (또는 가중치 없이 학습하세요)</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>입력 크기</translation>
    </message>
    <message>
        <source>Keras model (*.keras)</source>
        <translation>Keras 모델 (*.keras)</translation>
    </message>
    <message>
        <source>Last output: {0}</source>
        <translation>마지막 출력: {0}</translation>
    </message>
    <message>
        <source>Load a model first (Ctrl+Alt+O).</source>
        <translation>먼저 모델을 불러오세요 (Ctrl+Alt+O).</translation>
    </message>
    <message>
        <source>Load model</source>
        <translation>모델 불러오기</translation>
    </message>
    <message>
        <source>Load model...</source>
        <translation>모델 불러오기...</translation>
    </message>
    <message>
        <source>Load selected model</source>
        <translation>선택한 모델 불러오기</translation>
    </message>
    <message>
        <source>Loading model {0}</source>
        <translation>모델 {0} 불러오는 중</translation>
    </message>
    <message>
        <source>Loading {0}...</source>
        <translation>{0} 불러오는 중...</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>로그</translation>
    </message>
    <message>
        <source>Mask opacity</source>
        <translation>마스크 불투명도</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>지표</translation>
    </message>
    <message>
        <source>Miss below IoU</source>
        <translation>놓침 기준 IoU</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Model loaded: {0}</source>
        <translation>모델을 불러왔습니다: {0}</translation>
    </message>
    <message>
        <source>Model saved: {0}</source>
        <translation>모델을 저장했습니다: {0}</translation>
    </message>
    <message>
        <source>Model: {0}
{1}, {2} px, heads: {3}
classes: {4}</source>
        <translation>모델: {0}
{1}, {2} px, 헤드: {3}
클래스: {4}</translation>
    </message>
    <message>
        <source>NMS IoU</source>
        <translation>NMS IoU</translation>
    </message>
    <message>
        <source>Next image by lowest &amp;confidence</source>
        <translation>신뢰도가 가장 낮은 다음 이미지(&amp;C)</translation>
    </message>
    <message>
        <source>Next image by lowest I&amp;oU</source>
        <translation>IoU가 가장 낮은 다음 이미지(&amp;O)</translation>
    </message>
    <message>
        <source>No folder open.</source>
        <translation>열린 폴더가 없습니다.</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>불러온 모델이 없습니다.</translation>
    </message>
    <message>
        <source>No other image with predictions to rank; predictions are made as images are shown.</source>
        <translation>순위를 매길 예측이 있는 다른 이미지가 없습니다. 예측은 이미지를 표시할 때 만들어집니다.</translation>
    </message>
    <message>
        <source>No predictions for this image.</source>
        <translation>이 이미지에 대한 예측이 없습니다.</translation>
    </message>
    <message>
        <source>Only {0} labelled image(s): label at least {1} (some go to validation) before training.</source>
        <translation>레이블이 있는 이미지가 {0}개뿐입니다: 학습 전에 {1}개 이상 레이블을 다세요 (일부는 검증에 쓰입니다).</translation>
    </message>
    <message>
        <source>Only {0} verified image(s): verify at least {1} (some go to validation) before training.</source>
        <translation>확인된 이미지가 {0}개뿐입니다: 학습 전에 {1}개 이상 확인하세요 (일부는 검증에 쓰입니다).</translation>
    </message>
    <message>
        <source>Open a folder of labelled images first.</source>
        <translation>먼저 레이블이 있는 이미지 폴더를 여세요.</translation>
    </message>
    <message>
        <source>Past runs</source>
        <translation>지난 학습</translation>
    </message>
    <message>
        <source>Predict all &amp;images (for hardest-first)</source>
        <translation>모든 이미지 예측(&amp;I) (어려운 순서용)</translation>
    </message>
    <message>
        <source>Predicted {0} / {1} images</source>
        <translation>이미지 {1}개 중 {0}개 예측함</translation>
    </message>
    <message>
        <source>Predicting {0} images in the background...</source>
        <translation>백그라운드에서 이미지 {0}개를 예측하는 중...</translation>
    </message>
    <message>
        <source>Prediction failed for {0}: {1}</source>
        <translation>{0} 예측 실패: {1}</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>거부</translation>
    </message>
    <message>
        <source>Reject %d prediction(s)</source>
        <translation>예측 %d개 거부</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Run {0} in {1:.1f} s. {2}</source>
        <translation>학습 {0}, {1:.1f}초. {2}</translation>
    </message>
    <message>
        <source>Score threshold</source>
        <translation>점수 임계값</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Show &amp;predictions</source>
        <translation>예측 표시(&amp;P)</translation>
    </message>
    <message>
        <source>Show YOLO &amp;grid</source>
        <translation>YOLO 그리드 표시(&amp;G)</translation>
    </message>
    <message>
        <source>Show prediction &amp;IoU</source>
        <translation>예측 IoU 표시(&amp;I)</translation>
    </message>
    <message>
        <source>Show segmentation &amp;mask</source>
        <translation>분할 마스크 표시(&amp;M)</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>학습 시작</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>The input size must be a multiple of 32.</source>
        <translation>입력 크기는 32의 배수여야 합니다.</translation>
    </message>
    <message>
        <source>The weights file does not exist.</source>
        <translation>가중치 파일이 없습니다.</translation>
    </message>
    <message>
        <source>This annotation is read-only.</source>
        <translation>이 주석은 읽기 전용입니다.</translation>
    </message>
    <message>
        <source>This run saved no model: {0}</source>
        <translation>이 학습은 모델을 저장하지 않았습니다: {0}</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>학습 실패: {0}</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>학습 중</translation>
    </message>
    <message>
        <source>Training {0} -&gt; {1}</source>
        <translation>{0} 학습 -&gt; {1}</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>Weights (*.h5 *.keras)</source>
        <translation>가중치 (*.h5 *.keras)</translation>
    </message>
    <message>
        <source>Weights file</source>
        <translation>가중치 파일</translation>
    </message>
    <message>
        <source>YOLO grid</source>
        <translation>YOLO 그리드</translation>
    </message>
    <message>
        <source>Your annotations are safe; the next request starts a fresh worker.</source>
        <translation>주석은 안전합니다. 다음 요청 때 새 작업 프로세스가 시작됩니다.</translation>
    </message>
    <message>
        <source>after NMS</source>
        <translation>NMS 이후</translation>
    </message>
    <message>
        <source>all labelled</source>
        <translation>레이블 있는 전체</translation>
    </message>
    <message>
        <source>background only</source>
        <translation>배경만</translation>
    </message>
    <message>
        <source>batch {0}/{1}</source>
        <translation>배치 {0}/{1}</translation>
    </message>
    <message>
        <source>before NMS</source>
        <translation>NMS 이전</translation>
    </message>
    <message>
        <source>best box</source>
        <translation>최고 상자</translation>
    </message>
    <message>
        <source>box + class</source>
        <translation>상자 + 클래스</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>cancelling...</source>
        <translation>취소하는 중...</translation>
    </message>
    <message>
        <source>cell row {0} col {1}: max objectness {2:.2f}</source>
        <translation>셀 행 {0} 열 {1}: 최대 객체성 {2:.2f}</translation>
    </message>
    <message>
        <source>col</source>
        <translation>열</translation>
    </message>
    <message>
        <source>early stop</source>
        <translation>조기 종료</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>에포크</translation>
    </message>
    <message>
        <source>epoch {0}/{1}</source>
        <translation>에포크 {0}/{1}</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>failed: {0}</source>
        <translation>실패: {0}</translation>
    </message>
    <message>
        <source>false alarm {0:.2f}</source>
        <translation>오탐 {0:.2f}</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>grid {0}x{1}, {2} anchors, {3} boxes {4}</source>
        <translation>그리드 {0}x{1}, 앵커 {2}개, 상자 {3}개 ({4})</translation>
    </message>
    <message>
        <source>grid: this model has no grid head</source>
        <translation>그리드: 이 모델에는 그리드 헤드가 없습니다</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>losses (dashed: validation)</source>
        <translation>손실 (점선: 검증)</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>마스크</translation>
    </message>
    <message>
        <source>mask: this model has no segmentation head</source>
        <translation>마스크: 이 모델에는 분할 헤드가 없습니다</translation>
    </message>
    <message>
        <source>mean IoU {0:.3f}  ({1} boxes)</source>
        <translation>평균 IoU {0:.3f}  (상자 {1}개)</translation>
    </message>
    <message>
        <source>mean IoU {0:.3f}, {1} misses, {2} false alarms</source>
        <translation>평균 IoU {0:.3f}, 놓침 {1}개, 오탐 {2}개</translation>
    </message>
    <message>
        <source>metrics (dashed: validation)</source>
        <translation>지표 (점선: 검증)</translation>
    </message>
    <message>
        <source>miss</source>
        <translation>놓침</translation>
    </message>
    <message>
        <source>misses {0}   false alarms {1}</source>
        <translation>놓침 {0}   오탐 {1}</translation>
    </message>
    <message>
        <source>no ImageNet weights exist for {0}</source>
        <translation>{0}에는 ImageNet 가중치가 없습니다</translation>
    </message>
    <message>
        <source>no record</source>
        <translation>기록 없음</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>none (from scratch)</source>
        <translation>없음 (처음부터)</translation>
    </message>
    <message>
        <source>objectness heat map</source>
        <translation>객체성 히트맵</translation>
    </message>
    <message>
        <source>row</source>
        <translation>행</translation>
    </message>
    <message>
        <source>starting the model worker...</source>
        <translation>모델 작업 프로세스를 시작하는 중...</translation>
    </message>
    <message>
        <source>unfinished</source>
        <translation>미완료</translation>
    </message>
    <message>
        <source>verified only</source>
        <translation>확인된 것만</translation>
    </message>
    <message>
        <source>weights file (.h5 / .weights.h5)</source>
        <translation>가중치 파일 (.h5 / .weights.h5)</translation>
    </message>
    <message>
        <source>weights file...</source>
        <translation>가중치 파일...</translation>
    </message>
    <message>
        <source>{0} annotation file(s) unreadable, skipped</source>
        <translation>읽을 수 없는 주석 파일 {0}개는 건너뜀</translation>
    </message>
    <message>
        <source>{0} images predicted: Ctrl+Alt+C / Ctrl+Alt+U walk them hardest first.</source>
        <translation>이미지 {0}개 예측함: Ctrl+Alt+C / Ctrl+Alt+U로 어려운 순서대로 이동합니다.</translation>
    </message>
    <message>
        <source>{0} images, {1} labelled, {2} verified</source>
        <translation>이미지 {0}개, 레이블 {1}개, 확인 {2}개</translation>
    </message>
    <message>
        <source>{0} in {1:.0f} s</source>
        <translation>{0} ({1:.0f}초)</translation>
    </message>
    <message>
        <source>{0} shown, {1} pending, {2:.0f} ms</source>
        <translation>표시 {0}개, 대기 {1}개, {2:.0f} ms</translation>
    </message>
    <message>
        <source>%s was changed by another program while you edited it here. Autosave is paused for this image and nothing was written.</source>
        <translation>여기서 편집하는 동안 다른 프로그램이 %s 파일을 변경했습니다. 이 이미지의 자동 저장을 멈췄으며 아무것도 쓰지 않았습니다.</translation>
    </message>
    <message>
        <source>Changed on disk</source>
        <translation>디스크에서 변경됨</translation>
    </message>
    <message>
        <source>Compare and choose...</source>
        <translation>비교하고 선택...</translation>
    </message>
    <message>
        <source>Keep mine (back up the other version)</source>
        <translation>내 것 유지 (다른 버전은 백업)</translation>
    </message>
    <message>
        <source>Moved or resized (%d): %s</source>
        <translation>이동 또는 크기 변경 (%d): %s</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>저장하지 않았습니다.</translation>
    </message>
    <message>
        <source>Not saved: %s was changed by another program. Autosave is paused for this image.</source>
        <translation>저장하지 않음: 다른 프로그램이 %s 파일을 변경했습니다. 이 이미지의 자동 저장을 멈췄습니다.</translation>
    </message>
    <message>
        <source>On disk the image is %s, here it is %s.</source>
        <translation>디스크에서는 이미지가 %s 상태이고, 여기서는 %s 상태입니다.</translation>
    </message>
    <message>
        <source>On disk: %d boxes. Here: %d boxes.</source>
        <translation>디스크: 상자 %d개. 여기: 상자 %d개.</translation>
    </message>
    <message>
        <source>Only here (%d): %s</source>
        <translation>여기에만 있음 (%d): %s</translation>
    </message>
    <message>
        <source>Only on disk (%d): %s</source>
        <translation>디스크에만 있음 (%d): %s</translation>
    </message>
    <message>
        <source>Reload from disk (drop my changes)</source>
        <translation>디스크에서 다시 읽기 (내 변경 버림)</translation>
    </message>
    <message>
        <source>Saved %s; the other version was kept as %s</source>
        <translation>%s 저장함; 다른 버전은 %s(으)로 보관했습니다</translation>
    </message>
    <message>
        <source>The annotation of %s was changed by another program since it was opened here. Nothing was saved.</source>
        <translation>여기서 연 뒤 다른 프로그램이 %s의 주석을 변경했습니다. 아무것도 저장하지 않았습니다.</translation>
    </message>
    <message>
        <source>The boxes are the same; other parts of the file differ.</source>
        <translation>상자는 같습니다. 파일의 다른 부분이 다릅니다.</translation>
    </message>
    <message>
        <source>The version on disk cannot be read: %s</source>
        <translation>디스크의 버전을 읽을 수 없습니다: %s</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>확인 안 됨</translation>
    </message>
    <message>
        <source>%s was changed by another program; your edits here are not saved yet.</source>
        <translation>다른 프로그램이 %s 파일을 변경했습니다. 여기서 한 편집은 아직 저장되지 않았습니다.</translation>
    </message>
    <message>
        <source>Reloaded %s: it was changed by another program.</source>
        <translation>%s 파일을 다시 읽었습니다: 다른 프로그램이 변경했습니다.</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>도구 모음</translation>
    </message>
    <message>
        <source>Flower Annotator %s</source>
        <translation>Flower Annotator %s</translation>
    </message>
    <message>
        <source>(removed)</source>
        <translation>(삭제됨)</translation>
    </message>
    <message>
        <source>Changed file: %s</source>
        <translation>변경된 파일: %s</translation>
    </message>
    <message>
        <source>Cancel (save nothing)</source>
        <translation>취소 (아무것도 저장 안 함)</translation>
    </message>
    <message>
        <source>%s: move the box</source>
        <translation>%s: 상자 옮기기</translation>
    </message>
    <message>
        <source>(no box) -&gt; %s</source>
        <translation>(상자 없음) -&gt; %s</translation>
    </message>
    <message>
        <source>Add the overlooked box '%s'</source>
        <translation>빠진 상자 '%s' 추가</translation>
    </message>
    <message>
        <source>Box off?</source>
        <translation>상자 위치가 어긋남?</translation>
    </message>
    <message>
        <source>Cannot open the list: {0}</source>
        <translation>목록을 열 수 없습니다: {0}</translation>
    </message>
    <message>
        <source>Could not find mistakes: {0}</source>
        <translation>실수를 찾지 못했습니다: {0}</translation>
    </message>
    <message>
        <source>Could not save the mark: {0}</source>
        <translation>표시를 저장하지 못했습니다: {0}</translation>
    </message>
    <message>
        <source>Enter: take the suggestion (Ctrl+Z undoes it). K: the label is right (not shown again).</source>
        <translation>Enter: 제안을 적용합니다 (Ctrl+Z로 되돌림). K: 레이블이 맞습니다 (다시 표시하지 않음).</translation>
    </message>
    <message>
        <source>Every entry of the list is done.</source>
        <translation>목록의 모든 항목을 처리했습니다.</translation>
    </message>
    <message>
        <source>Find likely label mi&amp;stakes</source>
        <translation>레이블 실수 후보 찾기(&amp;S)</translation>
    </message>
    <message>
        <source>Find with the loaded model</source>
        <translation>불러온 모델로 찾기</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Label -&gt; suggestion</source>
        <translation>레이블 -&gt; 제안</translation>
    </message>
    <message>
        <source>Labelled {0}, the model sees {1} here (suspicion {2:.2f}).</source>
        <translation>레이블은 {0}인데 모델은 여기서 {1}을(를) 봅니다 (의심도 {2:.2f}).</translation>
    </message>
    <message>
        <source>Likely label mistakes</source>
        <translation>레이블 실수 후보</translation>
    </message>
    <message>
        <source>Likely label mistakes &amp;panel</source>
        <translation>레이블 실수 후보 패널(&amp;P)</translation>
    </message>
    <message>
        <source>Load a model first (Ctrl+Alt+O); the list comes from its predictions.</source>
        <translation>먼저 모델을 불러오세요 (Ctrl+Alt+O). 목록은 모델의 예측에서 나옵니다.</translation>
    </message>
    <message>
        <source>Looking for likely mistakes in {0} with {1}...</source>
        <translation>{1}(으)로 {0}에서 레이블 실수 후보를 찾는 중...</translation>
    </message>
    <message>
        <source>Missing box?</source>
        <translation>빠진 상자?</translation>
    </message>
    <message>
        <source>Mistakes list (*.json)</source>
        <translation>실수 목록 (*.json)</translation>
    </message>
    <message>
        <source>Move the box '%s' where the model sees it</source>
        <translation>'%s' 상자를 모델이 보는 위치로 옮기기</translation>
    </message>
    <message>
        <source>No list yet: load a model and press 'Find with the loaded model', or open a file written by flower-annotator mistakes.</source>
        <translation>아직 목록이 없습니다: 모델을 불러와 '불러온 모델로 찾기'를 누르거나, flower-annotator mistakes가 쓴 파일을 여세요.</translation>
    </message>
    <message>
        <source>Open a file written by flower-annotator mistakes</source>
        <translation>flower-annotator mistakes가 쓴 파일 열기</translation>
    </message>
    <message>
        <source>Open a list of likely mista&amp;kes...</source>
        <translation>레이블 실수 목록 열기(&amp;K)...</translation>
    </message>
    <message>
        <source>Open a list of likely mistakes</source>
        <translation>레이블 실수 목록 열기</translation>
    </message>
    <message>
        <source>Open list...</source>
        <translation>목록 열기...</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>문제</translation>
    </message>
    <message>
        <source>Relabel '%s' as '%s'</source>
        <translation>'%s'을(를) '%s'(으)로 레이블 변경</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Take the suggested fix</source>
        <translation>제안된 수정 적용</translation>
    </message>
    <message>
        <source>The label is right (not shown again)</source>
        <translation>레이블이 맞음 (다시 표시하지 않음)</translation>
    </message>
    <message>
        <source>The labelled box is no longer there: it was changed since the list was made.</source>
        <translation>레이블된 상자가 더 이상 없습니다: 목록을 만든 뒤 바뀌었습니다.</translation>
    </message>
    <message>
        <source>The loaded model predicts the images it was not trained on; cleanlab ranks the labels it doubts.</source>
        <translation>불러온 모델이 학습하지 않은 이미지를 예측하고, cleanlab이 의심스러운 레이블의 순위를 매깁니다.</translation>
    </message>
    <message>
        <source>The mark is taken back: the entry is open again.</source>
        <translation>표시를 취소했습니다: 항목이 다시 열렸습니다.</translation>
    </message>
    <message>
        <source>The marks file cannot be read: {0}</source>
        <translation>표시 파일을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
        <source>The model sees a {0} with no box around it (suspicion {1:.2f}).</source>
        <translation>모델이 상자가 없는 {0}을(를) 봅니다 (의심도 {1:.2f}).</translation>
    </message>
    <message>
        <source>The {0} box seems off; the green box is where the model sees it (suspicion {1:.2f}).</source>
        <translation>{0} 상자의 위치가 어긋나 보입니다. 초록 상자가 모델이 보는 위치입니다 (의심도 {1:.2f}).</translation>
    </message>
    <message>
        <source>Wrong class?</source>
        <translation>잘못된 클래스?</translation>
    </message>
    <message>
        <source>fixed</source>
        <translation>수정됨</translation>
    </message>
    <message>
        <source>image not in this folder</source>
        <translation>이 폴더에 없는 이미지</translation>
    </message>
    <message>
        <source>label is right</source>
        <translation>레이블이 맞음</translation>
    </message>
    <message>
        <source>labelled: %s</source>
        <translation>레이블: %s</translation>
    </message>
    <message>
        <source>suggested: %s</source>
        <translation>제안: %s</translation>
    </message>
    <message>
        <source>the model worker's answer</source>
        <translation>모델 워커의 응답</translation>
    </message>
    <message>
        <source>{0} is not in the opened folder.</source>
        <translation>{0}은(는) 열린 폴더에 없습니다.</translation>
    </message>
    <message>
        <source>{0} likely mistakes from {1}.</source>
        <translation>{1}의 레이블 실수 후보 {0}개.</translation>
    </message>
    <message>
        <source>{0} likely mistakes in {1} images (no val split here: the model may have trained on some).</source>
        <translation>이미지 {1}개에서 레이블 실수 후보 {0}개 (검증 분할이 없어 모델이 일부를 학습했을 수 있습니다).</translation>
    </message>
    <message>
        <source>{0} likely mistakes in {1} images the model did not train on.</source>
        <translation>모델이 학습하지 않은 이미지 {1}개에서 레이블 실수 후보 {0}개.</translation>
    </message>
    <message>
        <source>{0} still open.</source>
        <translation>{0}개 남음.</translation>
    </message>
    <message>
        <source>Split: {0} train / {1} validation, from the split files in {2}</source>
        <translation>분할: 학습 {0} / 검증 {1}, {2}의 분할 파일 기준</translation>
    </message>
    <message>
        <source>Split: {0} train / {1} validation; the first run writes it to {2}</source>
        <translation>분할: 학습 {0} / 검증 {1}; 첫 학습 때 {2}에 기록됨</translation>
    </message>
    <message>
        <source>No image to train on: the split files in {0} put every one of these images in validation.</source>
        <translation>학습할 이미지가 없습니다: {0}의 분할 파일이 이 이미지들을 모두 검증용으로 두었습니다.</translation>
    </message>
    <message>
        <source>Not started: the shown image's changes are not saved.</source>
        <translation>시작하지 않음: 보이는 이미지의 변경 사항이 저장되지 않았습니다.</translation>
    </message>
    <message>
        <source>Not started: {0}</source>
        <translation>시작하지 않음: {0}</translation>
    </message>
    <message>
        <source>Trained on {0} images, validated on {1}.</source>
        <translation>이미지 {0}장으로 학습, {1}장으로 검증했습니다.</translation>
    </message>
    <message>
        <source>Show &amp;why this class (heat map)</source>
        <translation>이 클래스인 이유 표시 (히트맵)(&amp;W)</translation>
    </message>
    <message>
        <source>Why this class</source>
        <translation>이 클래스인 이유</translation>
    </message>
    <message>
        <source>Colour the image by how much each part raises the model&apos;s score for a class (Grad-CAM): red is where its decision comes from. Pick another class to see what speaks for it.</source>
        <translation>이미지의 각 부분이 한 클래스에 대한 모델의 점수를 얼마나 올리는지 색으로 보여 줍니다 (Grad-CAM): 빨간 곳이 판단의 근거입니다. 다른 클래스를 고르면 그 클래스를 뒷받침하는 부분을 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>heat map</source>
        <translation>히트맵</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>예측된 클래스</translation>
    </message>
    <message>
        <source>why this class: this model has no box + class head</source>
        <translation>이 클래스인 이유: 이 모델에는 상자 + 클래스 헤드가 없습니다</translation>
    </message>
    <message>
        <source>why this class: the model knows one class, there is nothing to tell apart</source>
        <translation>이 클래스인 이유: 모델이 아는 클래스가 하나뿐이라 구별할 것이 없습니다</translation>
    </message>
    <message>
        <source>why this class: computing the heat map...</source>
        <translation>이 클래스인 이유: 히트맵 계산 중...</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>예측</translation>
    </message>
    <message>
        <source>picked</source>
        <translation>선택</translation>
    </message>
    <message>
        <source>why {0}: probability {1:.2f} ({2})</source>
        <translation>{0}인 이유: 확률 {1:.2f} ({2})</translation>
    </message>
    <message>
        <source>{0:.0f}% of the heat inside the dotted box</source>
        <translation>히트맵 강도의 {0:.0f}%가 점선 상자 안에 있음</translation>
    </message>
    <message>
        <source>nothing in the image raises this class</source>
        <translation>이미지에서 이 클래스의 점수를 올리는 부분이 없습니다</translation>
    </message>
    <message>
        <source>computing the map for {0}...</source>
        <translation>{0}의 히트맵 계산 중...</translation>
    </message>
    <message>
        <source>Evaluate the loaded model on this folder's labelled images: per class, which classes it confuses, and which images hold its misses and false alarms.</source>
        <translation>불러온 모델을 이 폴더의 레이블된 이미지로 평가합니다: 클래스별 성능, 어떤 클래스를 혼동하는지, 놓친 박스와 오탐이 어느 이미지에 있는지 보여 줍니다.</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>AP@0.5</source>
        <translation>AP@0.5</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>재현율</translation>
    </message>
    <message>
        <source>Mean IoU</source>
        <translation>평균 IoU</translation>
    </message>
    <message>
        <source>Labelled boxes of this class</source>
        <translation>이 클래스의 레이블된 박스 수</translation>
    </message>
    <message>
        <source>Average precision at the IoU threshold (COCO's 101-point method), whatever the score threshold</source>
        <translation>IoU 임계값에서의 평균 정밀도 (COCO의 101점 방식), 점수 임계값과 무관</translation>
    </message>
    <message>
        <source>Share of the detections above the score threshold that match a labelled box</source>
        <translation>점수 임계값 이상인 검출 중 레이블된 박스와 일치하는 비율</translation>
    </message>
    <message>
        <source>Share of the labelled boxes found by a detection above the score threshold</source>
        <translation>레이블된 박스 중 점수 임계값 이상인 검출로 찾은 비율</translation>
    </message>
    <message>
        <source>Mean IoU of the matched boxes</source>
        <translation>일치한 박스들의 평균 IoU</translation>
    </message>
    <message>
        <source>Reading images: {0} / {1}</source>
        <translation>이미지 읽는 중: {0} / {1}</translation>
    </message>
    <message>
        <source>Predicting: {0} / {1} images</source>
        <translation>예측 중: {0} / {1} 이미지</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>평가</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>이미지:</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>평가 실행</translation>
    </message>
    <message>
        <source>Predict every image once in the model worker; thresholds then change without it.</source>
        <translation>모델 작업 프로세스에서 모든 이미지를 한 번 예측합니다. 그 뒤 임계값은 다시 예측하지 않고 바뀝니다.</translation>
    </message>
    <message>
        <source>Detections scoring less than this are not counted.</source>
        <translation>점수가 이보다 낮은 검출은 세지 않습니다.</translation>
    </message>
    <message>
        <source>Match IoU</source>
        <translation>일치 IoU</translation>
    </message>
    <message>
        <source>A detection matches a labelled box when their IoU is at least this.</source>
        <translation>검출과 레이블된 박스의 IoU가 이 값 이상이면 일치로 봅니다.</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>Confusion</source>
        <translation>혼동 행렬</translation>
    </message>
    <message>
        <source>Rows: labelled class; columns: predicted. Click a cell to list its images.</source>
        <translation>행: 레이블된 클래스, 열: 예측된 클래스. 칸을 클릭하면 해당 이미지를 보여 줍니다.</translation>
    </message>
    <message>
        <source>&lt; Previous</source>
        <translation>&lt; 이전</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>다음 &gt;</translation>
    </message>
    <message>
        <source>Show all images</source>
        <translation>모든 이미지 보기</translation>
    </message>
    <message>
        <source>Validation split (the model was not trained on this folder)</source>
        <translation>검증 분할 (이 모델은 이 폴더로 학습되지 않았습니다)</translation>
    </message>
    <message>
        <source>Validation split of the model's training ({0} images)</source>
        <translation>모델 학습의 검증 분할 ({0}개 이미지)</translation>
    </message>
    <message>
        <source>All labelled images</source>
        <translation>레이블된 모든 이미지</translation>
    </message>
    <message>
        <source>Starting the evaluation...</source>
        <translation>평가를 시작하는 중...</translation>
    </message>
    <message>
        <source>{0} images: mAP@{1:.2f} {2:.3f}; {3} found, {4} missed, {5} false alarms, {6} wrong classes</source>
        <translation>이미지 {0}개: mAP@{1:.2f} {2:.3f}; 찾음 {3}, 놓침 {4}, 오탐 {5}, 클래스 틀림 {6}</translation>
    </message>
    <message>
        <source>{0} file(s) or box(es) skipped (unreadable, or a class the model does not know)</source>
        <translation>파일 또는 박스 {0}개 건너뜀 (읽을 수 없거나 모델이 모르는 클래스)</translation>
    </message>
    <message>
        <source>{0} found</source>
        <translation>찾음 {0}</translation>
    </message>
    <message>
        <source>{0} missed</source>
        <translation>놓침 {0}</translation>
    </message>
    <message>
        <source>{0} false alarm(s)</source>
        <translation>오탐 {0}</translation>
    </message>
    <message>
        <source>{0} wrong class(es)</source>
        <translation>클래스 틀림 {0}</translation>
    </message>
    <message>
        <source>nothing labelled or found</source>
        <translation>레이블도 검출도 없음</translation>
    </message>
    <message>
        <source>Load a model first (Model panel, or Ctrl+Alt+O).</source>
        <translation>먼저 모델을 불러오세요 (모델 패널 또는 Ctrl+Alt+O).</translation>
    </message>
    <message>
        <source>Cancelling after the current batch...</source>
        <translation>현재 배치가 끝나면 취소합니다...</translation>
    </message>
    <message>
        <source>its validation split</source>
        <translation>검증 분할</translation>
    </message>
    <message>
        <source>all labelled images</source>
        <translation>레이블된 모든 이미지</translation>
    </message>
    <message>
        <source>Evaluated {0} images ({1}).</source>
        <translation>이미지 {0}개를 평가했습니다 ({1}).</translation>
    </message>
    <message>
        <source>Evaluation cancelled.</source>
        <translation>평가를 취소했습니다.</translation>
    </message>
    <message>
        <source>Evaluation failed: {0}</source>
        <translation>평가 실패: {0}</translation>
    </message>
    <message>
        <source>No cases in this cell at these thresholds.</source>
        <translation>이 임계값에서는 이 칸에 해당하는 경우가 없습니다.</translation>
    </message>
    <message>
        <source>false alarms: {0} predicted where nothing is labelled</source>
        <translation>오탐: 레이블이 없는 곳에 {0} 예측</translation>
    </message>
    <message>
        <source>missed: labelled {0} boxes the model did not find</source>
        <translation>놓침: 모델이 찾지 못한 레이블된 {0} 박스</translation>
    </message>
    <message>
        <source>{0} predicted as {1}</source>
        <translation>{0} → {1}(으)로 예측</translation>
    </message>
    <message>
        <source>case {0} of {1} in {2} image(s): {3}</source>
        <translation>이미지 {2}개의 경우 {1}개 중 {0}번째: {3}</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>모든 이미지</translation>
    </message>
    <message>
        <source>Evaluated images</source>
        <translation>평가한 이미지</translation>
    </message>
    <message>
        <source>With misses</source>
        <translation>놓친 박스가 있는 이미지</translation>
    </message>
    <message>
        <source>With false alarms</source>
        <translation>오탐이 있는 이미지</translation>
    </message>
    <message>
        <source>With wrong classes</source>
        <translation>클래스가 틀린 이미지</translation>
    </message>
    <message>
        <source>The chosen confusion cell</source>
        <translation>선택한 혼동 행렬 칸</translation>
    </message>
    <message>
        <source>Folder order</source>
        <translation>폴더 순서</translation>
    </message>
    <message>
        <source>Most misses first</source>
        <translation>놓침이 많은 순</translation>
    </message>
    <message>
        <source>Most false alarms first</source>
        <translation>오탐이 많은 순</translation>
    </message>
    <message>
        <source>Most wrong classes first</source>
        <translation>클래스 틀림이 많은 순</translation>
    </message>
    <message>
        <source>Lowest mean IoU first</source>
        <translation>평균 IoU가 낮은 순</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>보기:</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>정렬:</translation>
    </message>
    <message>
        <source>Filter and sort the file list by the last evaluation</source>
        <translation>마지막 평가 결과로 파일 목록을 거르고 정렬합니다</translation>
    </message>
    <message>
        <source>labelled {0}</source>
        <translation>레이블 {0}</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>놓침</translation>
    </message>
    <message>
        <source>predicted {0} {1:.2f}</source>
        <translation>예측 {0} {1:.2f}</translation>
    </message>
    <message>
        <source>IoU {0:.2f}</source>
        <translation>IoU {0:.2f}</translation>
    </message>
    <message>
        <source>background</source>
        <translation>배경</translation>
    </message>
    <message>
        <source>labelled class</source>
        <translation>레이블된 클래스</translation>
    </message>
    <message>
        <source>{0} false alarm(s): {1} predicted where nothing is labelled</source>
        <translation>오탐 {0}개: 레이블이 없는 곳에 {1} 예측</translation>
    </message>
    <message>
        <source>{0} missed {1} box(es)</source>
        <translation>놓친 {1} 박스 {0}개</translation>
    </message>
    <message>
        <source>{0} {1} box(es) found</source>
        <translation>찾은 {1} 박스 {0}개</translation>
    </message>
    <message>
        <source>{0} {1} box(es) predicted as {2}</source>
        <translation>{2}(으)로 예측된 {1} 박스 {0}개</translation>
    </message>
    <message>
        <source>Precision-recall per class</source>
        <translation>클래스별 정밀도-재현율</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>재현율</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>정밀도</translation>
    </message>
    <message>
        <source>IoU of matched boxes</source>
        <translation>일치한 박스의 IoU</translation>
    </message>
    <message>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
    <message>
        <source>boxes</source>
        <translation>박스 수</translation>
    </message>
    <message>
        <source>dot: the score threshold</source>
        <translation>점: 점수 임계값</translation>
    </message>
    <message>
        <source>&amp;Evaluation panel</source>
        <translation>평가 패널(&amp;E)</translation>
    </message>
    <message>
        <source>{0} labelled image</source>
        <translation>레이블된 이미지 {0}개</translation>
    </message>
    <message>
        <source>{0} labelled images</source>
        <translation>레이블된 이미지 {0}개</translation>
    </message>
    <message>
        <source>{0} verified image</source>
        <translation>확인된 이미지 {0}개</translation>
    </message>
    <message>
        <source>{0} verified images</source>
        <translation>확인된 이미지 {0}개</translation>
    </message>
    <message>
        <source>{0} box</source>
        <translation>상자 {0}개</translation>
    </message>
    <message>
        <source>{0} boxes</source>
        <translation>상자 {0}개</translation>
    </message>
    <message>
        <source>{0} class</source>
        <translation>클래스 {0}개</translation>
    </message>
    <message>
        <source>{0} classes</source>
        <translation>클래스 {0}개</translation>
    </message>
    <message>
        <source>No validation image: the split files in {0} put all {1} of these images in training, so the run trains without validation (no validation metrics; the model kept is the one with the lowest training loss). To validate, move a few lines of train.txt there to val.txt.</source>
        <translation>검증용 이미지 없음: {0}의 분할 파일이 이 이미지 {1}개를 모두 학습에 넣어, 검증 없이 학습합니다 (검증 지표가 없고, 학습 손실이 가장 낮은 모델을 남깁니다). 검증하려면 그곳 train.txt의 몇 줄을 val.txt로 옮기세요.</translation>
    </message>
    <message>
        <source>No validation image: the split files in {0} put all {1} verified images in training, so the run trains without validation (no validation metrics; the model kept is the one with the lowest training loss). To validate, verify some images listed in val.txt there, or train on all labelled images.</source>
        <translation>검증용 이미지 없음: {0}의 분할 파일이 확인된 이미지 {1}개를 모두 학습에 넣어, 검증 없이 학습합니다 (검증 지표가 없고, 학습 손실이 가장 낮은 모델을 남깁니다). 검증하려면 그곳 val.txt에 있는 이미지 몇 개를 확인(verify)하거나, 레이블된 모든 이미지로 학습하세요.</translation>
    </message>
    <message>
        <source>No validation image: the run would train without one.</source>
        <translation>검증용 이미지 없음: 검증 없이 학습합니다.</translation>
    </message>
</context>
</TS>
