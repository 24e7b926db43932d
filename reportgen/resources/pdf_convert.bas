REM reportgen: convert .docx files to PDF in one LibreOffice process (see reportgen/writers/pdf.py).
REM
REM REPORTGEN_PDF_JOBS is the URL of a UTF-8 file with one job a line: source URL, tab, target URL.
REM For each job in order one line is appended to the file at REPORTGEN_PDF_STATUS: "ok", or "error",
REM tab, the reason; if the run itself breaks, "stopped", tab, the reason. LibreOffice quits at the end.
Option Explicit

Function Prop(sName As String, vValue) As com.sun.star.beans.PropertyValue
	Dim p As New com.sun.star.beans.PropertyValue
	p.Name = sName
	p.Value = vValue
	Prop = p
End Function

REM What the document's paragraphs say in OOXML (overflowPunct, autoSpaceDE/DN off), which the
REM DOCX import of LibreOffice loses: no hanging punctuation, no extra space next to digits and Latin.
Sub FixProperties(oTarget)
	oTarget.ParaIsHangingPunctuation = False
	oTarget.ParaIsCharacterDistance = False
End Sub

Sub FixText(oText)
	Dim oEnum, oPart, sCell
	oEnum = oText.createEnumeration()
	Do While oEnum.hasMoreElements()
		oPart = oEnum.nextElement()
		If oPart.supportsService("com.sun.star.text.Paragraph") Then
			FixProperties(oPart)
		ElseIf oPart.supportsService("com.sun.star.text.TextTable") Then
			For Each sCell In oPart.getCellNames()
				FixText(oPart.getCellByName(sCell))
			Next
		End If
	Loop
End Sub

REM The defaults, every paragraph style and every paragraph: body, tables, headers and footers,
REM frames and notes.
Sub FixDocument(oDoc)
	Dim oFamily, sName, oStyle, sPart, sText, i
	FixProperties(oDoc.createInstance("com.sun.star.text.Defaults"))
	oFamily = oDoc.StyleFamilies.getByName("ParagraphStyles")
	For Each sName In oFamily.getElementNames()
		FixProperties(oFamily.getByName(sName))
	Next
	FixText(oDoc.Text)
	oFamily = oDoc.StyleFamilies.getByName("PageStyles")
	For Each sName In oFamily.getElementNames()
		oStyle = oFamily.getByName(sName)
		For Each sPart In Array("Header", "Footer")
			If oStyle.getPropertyValue(sPart & "IsOn") Then
				For Each sText In Array("Text", "TextLeft", "TextFirst")
					If Not IsNull(oStyle.getPropertyValue(sPart & sText)) Then
						FixText(oStyle.getPropertyValue(sPart & sText))
					End If
				Next
			End If
		Next
	Next
	For i = 0 To oDoc.TextFrames.getCount() - 1
		FixText(oDoc.TextFrames.getByIndex(i).Text)
	Next
	For i = 0 To oDoc.Footnotes.getCount() - 1
		FixText(oDoc.Footnotes.getByIndex(i))
	Next
	For i = 0 To oDoc.Endnotes.getCount() - 1
		FixText(oDoc.Endnotes.getByIndex(i))
	Next
End Sub

Function OneLine(sText As String) As String
	OneLine = Replace(Replace(Replace(sText, Chr(13), " "), Chr(10), " "), Chr(9), " ")
End Function

Sub Report(oFiles, sStatus As String, sLine As String)
	Dim oStream, oOut
	oStream = oFiles.openFileReadWrite(sStatus)
	oStream.seek(oStream.getLength())
	oOut = createUnoService("com.sun.star.io.TextOutputStream")
	oOut.setOutputStream(oStream.getOutputStream())
	oOut.setEncoding("UTF-8")
	oOut.writeString(sLine & Chr(10))
	oOut.closeOutput()
End Sub

REM "" when the PDF was written, else why not.
Function ConvertOne(sSource As String, sTarget As String) As String
	Dim oDoc
	On Error GoTo Failed
	oDoc = StarDesktop.loadComponentFromURL(sSource, "_blank", 0, Array(Prop("Hidden", True)))
	If IsNull(oDoc) Then
		ConvertOne = "LibreOffice cannot open it as a Word document"
		Exit Function
	End If
	FixDocument(oDoc)
	oDoc.storeToURL(sTarget, Array(Prop("FilterName", "writer_pdf_Export")))
	oDoc.close(True)
	ConvertOne = ""
	Exit Function
Failed:
	ConvertOne = OneLine(Error$)
	On Error Resume Next
	If Not IsEmpty(oDoc) Then
		If Not IsNull(oDoc) Then oDoc.close(True)
	End If
End Function

Sub Main
	Dim oFiles, oIn, sLine, sStatus, aJob, sError
	On Error GoTo Stopped
	oFiles = createUnoService("com.sun.star.ucb.SimpleFileAccess")
	sStatus = Environ("REPORTGEN_PDF_STATUS")
	oIn = createUnoService("com.sun.star.io.TextInputStream")
	oIn.setInputStream(oFiles.openFileRead(Environ("REPORTGEN_PDF_JOBS")))
	oIn.setEncoding("UTF-8")
	Do While Not oIn.isEOF()
		sLine = Replace(Replace(oIn.readLine(), Chr(13), ""), Chr(10), "")
		If sLine <> "" Then
			aJob = Split(sLine, Chr(9))
			sError = ConvertOne(aJob(0), aJob(1))
			If sError = "" Then
				Report(oFiles, sStatus, "ok")
			Else
				Report(oFiles, sStatus, "error" & Chr(9) & sError)
			End If
		End If
	Loop
	oIn.closeInput()
	StarDesktop.terminate()
	Exit Sub
Stopped:
	On Error Resume Next
	Report(oFiles, sStatus, "stopped" & Chr(9) & OneLine(Error$))
	StarDesktop.terminate()
End Sub
