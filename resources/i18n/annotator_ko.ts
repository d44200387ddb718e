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
        <translation>이미지 검증(&amp;V)</translation>
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
        <translation>검증됨으로 표시</translation>
    </message>
    <message>
        <source>Unmark verified</source>
        <translation>검증 표시 해제</translation>
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
        <translation>검증됨</translation>
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
        <translation>검증됨</translation>
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
</context>
</TS>
